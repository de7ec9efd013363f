using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on one version requirement of an ELF64 shared library (see TorchSharpGlibcxx.targets).
public class WeakenGlibcxxVersionNeed : Task
{
    [Required] public ITaskItem[] Libraries { get; set; }
    [Required] public string VersionName { get; set; }
    /// <summary>Patch even where this machine's libstdc++ has the version: the files leave the machine (a tool package).</summary>
    public bool Always { get; set; }

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        if (!Always && SystemLibstdcxxHas(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, $"System libstdc++ provides {VersionName}; nothing to patch.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var result = Patch(path);
                Log.LogMessage(MessageImportance.Normal, $"{path}: {result}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"Could not patch {path} for {VersionName}: {e.Message}");
            }
        }
        return true;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            var bytes = File.ReadAllBytes(candidate);
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            return IndexOf(bytes, needle) >= 0;
        }
        return false; // unknown system: patching is harmless (a weak need never blocks loading)
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i <= hay.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    string Patch(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            return "not a little-endian ELF64 file; skipped";
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    long name = strtab + BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, name) == VersionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlgWeak) != 0) return $"{VersionName} already weak";
                        flags |= VerFlgWeak;
                        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write))
                        {
                            f.Seek(aux + 4, SeekOrigin.Begin);
                            f.Write(BitConverter.GetBytes(flags), 0, 2);
                        }
                        return $"marked {VersionName} weak";
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return $"no requirement on {VersionName}";
    }

    static string ReadCString(byte[] bytes, long start)
    {
        long end = start;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)start, (int)(end - start));
    }
}

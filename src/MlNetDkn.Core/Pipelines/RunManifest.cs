using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace MlNetDkn.Pipelines;

/// <summary>
/// manifest.json of a run, rewritten after every step so an interrupted run still says what finished: tool version,
/// the definition as run (overrides applied), seed, machine (OS, cores, torch threads), dataset and model content
/// hashes, and per step its resolved options, status, timing and outputs.
/// </summary>
public sealed class RunManifest
{
    /// <summary>The manifest's file name inside a run's output folder.</summary>
    public const string FileName = "manifest.json";
    static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    readonly JsonObject _root;
    readonly JsonArray _steps = [];
    readonly List<(JsonObject Target, string Field, Task<string> Value)> _pending = [];

    /// <summary>A manifest in the "running" state for <paramref name="definition"/> (overrides already applied); the
    /// <paramref name="overrides"/> (the --set arguments) are recorded as given.</summary>
    public RunManifest(PipelineDefinition definition, IReadOnlyList<string> overrides)
    {
        _root = new JsonObject
        {
            ["tool"] = new JsonObject { ["name"] = "dkn", ["version"] = DknTool.Version },
            ["pipeline"] = new JsonObject
            {
                ["name"] = definition.Name,
                ["source"] = definition.Source,
                ["overrides"] = new JsonArray(overrides.Select(o => (JsonNode)o).ToArray()),
                ["definition"] = definition.ToJson(),
            },
            ["seed"] = definition.Seed,
            ["status"] = "running",
            ["started_utc"] = DateTime.UtcNow.ToString("O"),
            ["machine"] = Machine(),
            ["steps"] = _steps,
        };
    }

    /// <summary>The informational version of the Core assembly, read from the assembly (git is never called; the SDK
    /// may have appended the source revision after a '+' at build time).</summary>
    /// <summary>Top-level sections steps may fill ("dataset", "model", ...); replaced when set again.</summary>
    public void SetSection(string name, JsonNode value) => _root[name] = value;

    /// <summary>A top-level section of the manifest, or null when it is not set.</summary>
    public JsonNode? this[string name] => _root[name];

    /// <summary>
    /// A field whose value is still being computed on another thread (a checkpoint's content hash while the model
    /// loads): written by the first save after it is known, and waited for when the run finishes. A computation that
    /// failed leaves the field out; its error reaches whoever needs the value.
    /// </summary>
    public void SetWhenKnown(JsonObject target, string field, Task<string> value)
    {
        _pending.Add((target, field, value));
        ResolvePending(wait: false);
    }

    void ResolvePending(bool wait)
    {
        foreach (var pending in _pending.ToList())
        {
            if (wait)
                ((IAsyncResult)pending.Value).AsyncWaitHandle.WaitOne();
            if (!pending.Value.IsCompleted)
                continue;
            if (pending.Value.IsCompletedSuccessfully)
                pending.Target[pending.Field] = pending.Value.Result;
            _pending.Remove(pending);
        }
    }

    /// <summary>Adds a step entry in the "running" state and returns it, for outputs and the final status.</summary>
    public JsonObject BeginStep(PlannedStep step)
    {
        var entry = new JsonObject
        {
            ["index"] = step.Definition.Index,
            ["step"] = step.Step.Name,
            ["options"] = step.Options.ToJson(),
            ["status"] = "running",
            ["started_utc"] = DateTime.UtcNow.ToString("O"),
            ["outputs"] = new JsonObject(),
        };
        _steps.Add(entry);
        return entry;
    }

    /// <summary>Records a step's final <paramref name="status"/>, its seconds, the peak memory so far (MiB) and, when
    /// not null, its error message in its entry.</summary>
    public static void EndStep(JsonObject entry, string status, TimeSpan elapsed, string? error = null)
    {
        entry["status"] = status;
        entry["seconds"] = Math.Round(elapsed.TotalSeconds, 3);
        entry["peak_memory_mib"] = PeakMemoryMib();
        if (error != null)
            entry["error"] = error;
    }

    static readonly object PeakGate = new();
    static double _peakMib;

    /// <summary>The process's peak resident memory so far, in MiB: the kernel's high-water mark (VmHWM in
    /// /proc/self/status) where there is one, else the runtime's peak working set; never less than an earlier reading,
    /// so at a step's end it bounds what the run needed up to then, at the run's end what the whole run
    /// needed.</summary>
    public static double PeakMemoryMib()
    {
        double mib = ReadHighWaterMarkMib() ?? RuntimePeakMib();
        lock (PeakGate)
            return _peakMib = Math.Max(_peakMib, Math.Round(mib, 1));
    }

    static double? ReadHighWaterMarkMib()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status")
                .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kb is not null && long.TryParse(kb, out var value) ? value / 1024.0 : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    static double RuntimePeakMib()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>Sets the run's final status, finish time, seconds and peak memory, waiting for
    /// every pending field.</summary>
    public void Finish(string status, TimeSpan elapsed)
    {
        _root["status"] = status;
        _root["finished_utc"] = DateTime.UtcNow.ToString("O");
        _root["seconds"] = Math.Round(elapsed.TotalSeconds, 3);
        _root["peak_memory_mib"] = PeakMemoryMib();
        ResolvePending(wait: true);
    }

    /// <summary>A copy of the manifest as it stands, with the pending fields known so far.</summary>
    public JsonObject ToJson()
    {
        ResolvePending(wait: false);
        return (JsonObject)_root.DeepClone();
    }

    /// <summary>Writes through a temporary file so a crash never leaves half a manifest.</summary>
    public void Save(string folder)
    {
        ResolvePending(wait: false);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var text = _root.ToJsonString(Indented);
        MachineIo.Write(path, () =>
        {
            File.WriteAllText(path + ".tmp", text);
            File.Move(path + ".tmp", path, overwrite: true);
        });
    }

    static JsonObject Machine() =>
        new()
        {
            ["os"] = RuntimeInformation.OSDescription,
            ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
            ["framework"] = RuntimeInformation.FrameworkDescription,
            ["cores"] = Environment.ProcessorCount,
            ["torch_threads"] = get_num_threads(),
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
        };
}

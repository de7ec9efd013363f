namespace MlNetDkn.Facts.Internal;

/// <summary>
/// A read-only view of a seekable stream for Parquet.Net, which reads a page header byte by byte and takes the end of
/// the file for endless 0xFF bytes: here a single-byte read at the end throws, and reading (plus seeking, counted as a
/// byte) stops with an error past a budget of <see cref="BudgetPerByte"/> times the file's length, so a corrupt page
/// chain that points back on itself cannot keep the reader busy. Both are <see cref="InvalidDataException"/>: a
/// corrupt file, not a failure of the machine. A read the machine itself refuses is kept in
/// <see cref="MachineFailure"/>, so a caller can tell it (exit 3) from the corrupt file that Parquet.Net's own
/// IOExceptions ("only n out of m bytes are available") describe (exit 2).
/// </summary>
/// <param name="inner">The file.</param>
/// <param name="ownsInner">Whether disposing this stream disposes <paramref name="inner"/>.</param>
internal sealed class BoundedReadStream(Stream inner, bool ownsInner = false) : Stream
{
    /// <summary>How many times over the file may be read; the fact reader reads it about twice.</summary>
    public const int BudgetPerByte = 32;

    readonly long _budget = BudgetPerByte * inner.Length + (1 << 20);
    long _spent;

    /// <summary>The first failure of the machine (I/O error, permissions) reading the file, if any.</summary>
    public Exception? MachineFailure { get; private set; }

    T Inner<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (MachineIo.IsFailure(e))
        {
            MachineFailure ??= e;
            throw;
        }
    }

    void Spend(long count)
    {
        _spent += Math.Max(count, 1);
        if (_spent > _budget)
            throw new InvalidDataException(
                $"read {_spent} bytes of a {inner.Length}-byte file without finishing (corrupt page offsets)"
            );
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            Spend(1);
            Inner(() => inner.Position = value);
        }
    }

    public override int ReadByte()
    {
        Spend(1);
        int b = Inner(inner.ReadByte);
        return b >= 0 ? b : throw new InvalidDataException("a Thrift header runs past the end of the file");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception e) when (MachineIo.IsFailure(e))
        {
            MachineFailure ??= e;
            throw;
        }
        Spend(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (MachineIo.IsFailure(e))
        {
            MachineFailure ??= e;
            throw;
        }
        Spend(read);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Spend(1);
        return Inner(() => inner.Seek(offset, origin));
    }

    public override void Flush() { }

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

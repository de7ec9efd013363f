namespace MlNetDkn.Facts.Internal;

/// <summary>
/// A read-only view of a seekable stream for Parquet.Net, which reads a page header byte by byte and takes the end of
/// the file for endless 0xFF bytes: here a single-byte read at the end throws, and reading (plus seeking, counted as a
/// byte) stops with an error past a budget of <see cref="BudgetPerByte"/> times the file's length, so a corrupt page
/// chain that points back on itself cannot keep the reader busy.
/// </summary>
internal sealed class BoundedReadStream(Stream inner) : Stream
{
    /// <summary>How many times over the file may be read; the fact reader reads it about twice.</summary>
    public const int BudgetPerByte = 32;

    readonly long _budget = BudgetPerByte * inner.Length + (1 << 20);
    long _spent;

    void Spend(long count)
    {
        _spent += Math.Max(count, 1);
        if (_spent > _budget)
            throw new IOException(
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
            inner.Position = value;
        }
    }

    public override int ReadByte()
    {
        Spend(1);
        int b = inner.ReadByte();
        return b >= 0 ? b : throw new EndOfStreamException("a Thrift header runs past the end of the file");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        Spend(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        Spend(read);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Spend(1);
        return inner.Seek(offset, origin);
    }

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

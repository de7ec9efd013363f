using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Internal;

namespace MlNetDkn.ML.Stages;

/// <summary>
/// The shared machinery of every stage: a lazy row-to-row transformer that adds columns computed from one result per
/// fact row. A result is computed at most once per fitted stage (kept in memory by the row's key; the Core stage
/// behind it also stores it on disk), heavy work is serialised process-wide, and each fact reports progress, checks
/// cancellation and writes one ML.NET log message. Disposing releases the shared model and store; a disposed stage
/// throws <see cref="ObjectDisposedException"/> naming itself. A prediction engine's Dispose does not dispose it.
/// </summary>
public abstract class FactStageTransformer<TResult> : ITransformer, IDisposable
    where TResult : class
{
    readonly ConcurrentDictionary<string, TResult> _cache = new(StringComparer.Ordinal);
    readonly IReadOnlyList<IDisposable> _leases;
    int _disposed,
        _computed,
        _reused;
    long _computeTicks;

    private protected FactStageTransformer(
        string stageName,
        string description,
        IReadOnlyList<IDisposable> leases,
        StageRuntime? runtime
    )
    {
        StageName = stageName;
        Description = description;
        _leases = leases;
        Runtime = runtime ?? new StageRuntime();
    }

    /// <summary>The stage's name in messages and progress ("AttributeKnowledgeNeurons").</summary>
    public string StageName { get; }

    /// <summary>What the stage works on, for messages ("model /models/gpt2").</summary>
    public string Description { get; }

    /// <summary>Progress, cancellation and log of the work done from now on; replace it at will.</summary>
    public StageRuntime Runtime { get; set; }

    /// <summary>Facts computed by this stage vs. found in its store (or memory).</summary>
    public int FactsComputed => _computed;

    /// <summary>Facts whose result this stage found in its store (or memory) instead of computing it.</summary>
    public int FactsReused => _reused;

    /// <summary>Seconds this stage spent computing results (whenever they were first asked for, during a later
    /// stage's Fit included), so a run can report time per stage.</summary>
    public double ComputeSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _computeTicks)).TotalSeconds;

    /// <summary>True once the stage was disposed (its model and store released).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private protected abstract IReadOnlyList<RequiredColumn> Inputs { get; }
    private protected abstract IReadOnlyList<OutputColumn<TResult>> Outputs { get; }

    /// <summary>Reads the row's inputs; the returned function gives the row's (cached) result.</summary>
    private protected abstract Func<TResult> Bind(DataViewRow row);

    /// <summary>The result of the fact with this key: from memory, else computed (or read from the store)
    /// once.</summary>
    /// <param name="compute">Returns the result and whether the Core stage found it stored rather than computing
    /// it.</param>
    private protected TResult Result(string key, string factId, Func<(TResult Result, bool Stored)> compute)
    {
        ThrowIfDisposed();
        if (_cache.TryGetValue(key, out var cached))
            return cached;
        lock (HeavyWork.Gate)
        {
            if (_cache.TryGetValue(key, out cached))
                return cached;
            Runtime.CancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var (result, stored) = compute();
            Interlocked.Add(ref _computeTicks, clock.Elapsed.Ticks);
            _cache[key] = result;
            if (stored)
                Interlocked.Increment(ref _reused);
            else
                Interlocked.Increment(ref _computed);
            Runtime.Channel?.Info(
                MessageSensitivity.None,
                $"{StageName}: fact {factId} "
                    + $"{(stored ? "read from the store" : $"computed in {clock.Elapsed.TotalSeconds:0.00} s")}"
            );
            Runtime.Progress?.Report(new FactStageProgress(StageName, factId, _computed, _reused, stored));
            return result;
        }
    }

    /// <summary>Every row's result, in row order (computing what is missing).</summary>
    public IReadOnlyList<TResult> Results(IDataView input)
    {
        ThrowIfDisposed();
        foreach (var c in Inputs)
            c.Check(input.Schema);
        var columns = RequiredInputNames(input.Schema).Select(n => input.Schema[n]).ToArray();
        var results = new List<TResult>();
        using var cursor = input.GetRowCursor(columns);
        var get = Bind(cursor);
        while (cursor.MoveNext())
            results.Add(get());
        return results;
    }

    /// <summary>Always true: every output row comes from one input row.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema with the stage's columns added; throws when a required input column is
    /// missing or mistyped.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Mapper(inputSchema).OutputSchema;

    /// <summary>A lazy view of <paramref name="input"/> with the stage's columns; a fact is computed when a cursor
    /// first reads one of them.</summary>
    public IDataView Transform(IDataView input) => new MappedDataView<TResult>(input, Mapper(input.Schema));

    /// <summary>The row mapper that adds the stage's columns to rows of <paramref name="inputSchema"/>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Mapper(inputSchema);

    ColumnAddingMapper<TResult> Mapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        foreach (var c in Inputs)
            c.Check(inputSchema);
        return new ColumnAddingMapper<TResult>(inputSchema, RequiredInputNames(inputSchema), Outputs, Bind);
    }

    /// <summary>Input columns read by <see cref="Bind"/>: the required ones and the other fact columns
    /// present.</summary>
    private protected virtual IReadOnlyList<string> RequiredInputNames(DataViewSchema inputSchema) =>
        Inputs.Select(c => c.Name).Concat(FactRowReader.Optional(inputSchema, PromptsColumnName)).Distinct().ToArray();

    /// <summary>The prompts column the stage reads (not one of the optional columns).</summary>
    private protected virtual string PromptsColumnName => Facts.FactColumns.Prompts;

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw ModelSaveGuard.Refuse(StageName);

    private protected void ThrowIfDisposed()
    {
        if (IsDisposed)
            throw new ObjectDisposedException(
                StageName,
                $"the {StageName} stage ({Description}) was disposed, which released its model and store; fit or "
                    + $"load the pipeline again"
            );
    }

    /// <summary>
    /// Releases the model and store. ML.NET's prediction engines own the transformer they are given and dispose it
    /// with themselves; a chain of these stages is meant to outlive them (new facts keep arriving), so that call is
    /// ignored. ML.NET then marks the chain disposed and ignores its next Dispose: release such a chain's stages with
    /// <see cref="KnowledgeNeuronsCatalog.Release"/> (otherwise they are released when collected).
    /// </summary>
    public void Dispose()
    {
        if (ModelSaveGuard.CalledFromPredictionEngine())
            return;
        Release();
        GC.SuppressFinalize(this);
    }

    internal void Release()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        foreach (var lease in _leases)
            lease.Dispose();
        (Runtime.Channel as IDisposable)?.Dispose();
    }

    /// <summary>Releases the shared model and store when the stage was not disposed.</summary>
    ~FactStageTransformer() => Release();
}

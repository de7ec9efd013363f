namespace MlNetDkn.Pipelines;

/// <summary>Every problem found in a pipeline definition, each naming the JSON path; the message lists them
/// all.</summary>
public sealed class PipelineValidationException(string source, IReadOnlyList<string> errors)
    : DknInputException(
        errors.Count == 1 ? $"{source}: {errors[0]}" : $"{source}: {errors.Count} problems: {string.Join("; ", errors)}"
    )
{
    /// <summary>The pipeline file (or label) the errors are in.</summary>
    public string PipelineSource { get; } = source;

    /// <summary>Every problem found, each a message starting with its JSON path.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

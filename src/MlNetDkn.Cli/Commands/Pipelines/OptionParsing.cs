using MlNetDkn.Modeling;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>Names typed on the command line → enum values, with errors that list the valid names.</summary>
internal static class OptionParsing
{
    public static ModelFamily Family(string name) =>
        name.ToLowerInvariant() switch
        {
            "gpt2" => ModelFamily.Gpt2,
            "llama" => ModelFamily.Llama,
            _ => throw new DknInputException($"--family: '{name}' is not a trainable family (expected gpt2 or llama)"),
        };

    public static T Enum<T>(string name, string option)
        where T : struct, System.Enum =>
        System.Enum.TryParse<T>(name, ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw new DknInputException(
                $"--{option}: '{name}' is not valid (expected "
                    + $"{string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))})"
            );
}

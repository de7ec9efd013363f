using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Attribution;

/// <summary>`dkn attribute` and `dkn agreement`: knowledge neurons of a prompt or dataset, and how far cheap estimators
/// agree.</summary>
public static class AttributionCommands
{
    public static void Register(IConfigurator config)
    {
        config
            .AddCommand<AttributeCommand>("attribute")
            .WithDescription("Integrated gradients over MLP neurons for one prompt or a fact dataset")
            .WithExample(
                "attribute",
                "--model",
                "../shared/golden/gpt2",
                "--tokens",
                "3,17,42",
                "--target-token",
                "7",
                "--preset",
                "eleuther",
                "--json"
            );
        config
            .AddCommand<AgreementCommand>("agreement")
            .WithDescription(
                "How far cheap estimators and bfloat16/float16 agree with exact float32 integrated gradients on a "
                    + "model's facts"
            )
            .WithExample(
                "agreement",
                "--model",
                "M",
                "--data",
                "facts.parquet",
                "--out",
                "agreement",
                "--variants",
                "grad-x-act,ig-5,bfloat16"
            );
    }
}

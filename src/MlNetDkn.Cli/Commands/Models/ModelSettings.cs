using System.ComponentModel;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Models;

/// <summary>Options shared by every verb that loads a model and turns a prompt into token ids.</summary>
public class ModelSettings : CommandSettings
{
    [CommandOption("-m|--model <PATH>")]
    [Description("Hugging Face model folder (config.json + safetensors) or llama2.c .bin checkpoint")]
    public string Model { get; init; } = "";

    [CommandOption("--text <TEXT>")]
    [Description("Prompt text (tokenized with the model's tokenizer)")]
    public string? Text { get; init; }

    [CommandOption("--tokens <IDS>")]
    [Description("Prompt as comma-separated token ids, e.g. 3,17,42")]
    public string? Tokens { get; init; }

    [CommandOption("--bos <MODE>")]
    [Description("Prepend BOS to --text: auto (SentencePiece and llama2.c tokenizers), yes, no")]
    [DefaultValue("auto")]
    public string Bos { get; init; } = "auto";

    [CommandOption("--dtype <DTYPE>")]
    [Description("Computation dtype: float32, float64, bfloat16, float16")]
    [DefaultValue("float32")]
    public string DType { get; init; } = "float32";

    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda or cuda:N")]
    [DefaultValue("cpu")]
    public string Device { get; init; } = "cpu";

    [CommandOption("--threads <N>")]
    [Description("CPU threads for libtorch (0 = its default)")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    /// <summary>The device, dtype and threads flags, for verbs that run a pipeline.</summary>
    public Pipelines.RunSettings Run =>
        new()
        {
            Device = Device,
            DType = DType,
            Threads = Threads,
        };

    /// <summary>--model, refused when missing.</summary>
    public string RequiredModel =>
        string.IsNullOrWhiteSpace(Model)
            ? throw new DknInputException("--model is required (a model folder or llama2.c .bin file)")
            : Model;

    public LoadedModel LoadModel() =>
        ModelLoader.Load(
            RequiredModel,
            new ModelLoadOptions
            {
                DType = DType,
                Device = Device,
                Threads = Threads,
            }
        );

    /// <summary>The model's tokenizer, or null when it has none and none is needed.</summary>
    public ITextTokenizer? TryLoadTokenizer(bool required)
    {
        try
        {
            return TokenizerLoader.FromModelFolder(Model);
        }
        catch (DknInputException) when (!required)
        {
            return null;
        }
    }

    /// <summary>Prompt ids from --tokens or --text; validates range against the vocabulary.</summary>
    public long[] PromptIds(ModelConfig config, ITextTokenizer? tokenizer)
    {
        if ((Text is null) == (Tokens is null))
            throw new DknInputException("give exactly one of --text or --tokens");
        long[] ids = Tokens is not null ? ParseIds(Tokens, "--tokens") : Encode(tokenizer!, Text!);
        if (ids.Length == 0)
            throw new DknInputException("empty prompt: give at least one token");
        foreach (var id in ids)
            if (id < 0 || id >= config.VocabSize)
                throw new DknInputException($"token id {id} is out of range (vocabulary size {config.VocabSize})");
        return ids;
    }

    long[] Encode(ITextTokenizer tokenizer, string text)
    {
        if (text.Length == 0)
            throw new DknInputException("empty prompt: --text is empty");
        bool bos = Bos switch
        {
            "yes" => true,
            "no" => false,
            "auto" => tokenizer.Kind is "sentencepiece" or "llama2c",
            _ => throw new DknInputException($"--bos must be auto, yes or no (got '{Bos}')"),
        };
        return tokenizer.Encode(text, bos).Select(i => (long)i).ToArray();
    }

    public static long[] ParseIds(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts
            .Select(p =>
                long.TryParse(p, out var v)
                    ? v
                    : throw new DknInputException(
                        $"{option}: '{p}' is not a token id (expected comma-separated integers)"
                    )
            )
            .ToArray();
    }
}

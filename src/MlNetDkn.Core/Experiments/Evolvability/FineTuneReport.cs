using System.Text;
using MlNetDkn.Metrics.Reports;
using static MlNetDkn.Metrics.Reports.Findings;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>e1_report.md: the findings first (one sentence each for E1 and E2, with number and interval), then the
/// denominators, E1 by variant, the paired contrasts, the learning-rate grid, E2's overlap, and the authors'
/// numbers.</summary>
internal static class FineTuneReport
{
    static string Pct(double v) => F(100 * v, "0.#");

    static string PctCi(double v, double low, double high) => $"{Pct(v)}{Ci(100 * low, 100 * high, "0.#")}";

    public static string Markdown(
        EvolvabilityResult r,
        IReadOnlyList<FineTuneSummaryRow> summary,
        IReadOnlyList<FineTuneContrastRow> contrasts,
        EvolvabilityOptions options
    )
    {
        var s = new StringBuilder();
        s.AppendLine("## E1: fine-tuning only chosen neurons; E2: which neurons a full fine-tune changes").AppendLine();
        s.AppendLine(
                "**Findings** (unit: fact; accuracy in %, 95 % Wilson interval over facts; differences in points, "
                    + "95 % bootstrap over facts):"
            )
            .AppendLine();
        s.AppendLine("- " + E1Finding(summary, contrasts));
        s.AppendLine("- " + E2Finding(r));
        s.AppendLine();
        int Facts(string set) => r.QueryFacts.GetValueOrDefault(set)?.Length ?? 0;
        s.AppendLine(
            $"{r.UpdatedFacts} facts updated (a new answer). Denominators (facts): Q_new {Facts("Q_new")} (the "
                + $"training paraphrases, trained on), "
                + $"Q_au {Facts("Q_au")} (Q_new on held-out paraphrases never trained on), Q_old {Facts("Q_old")} "
                + $"(unrelated old facts), and, kept apart "
                + $"to choose the learning rate, {Facts("validation")} new facts on a held-out training paraphrase "
                + $"and {Facts("Q_old validation")} further old facts. "
                + $"Before fine-tuning: Q_new {Pct(r.BaselineNew.Accuracy)} %, Q_au "
                + $"{Pct(r.BaselineParaphrases.Accuracy)} %, Q_old {Pct(r.BaselineRetention.Accuracy)} %. "
                + "Accuracy is greedy on the gold tokens; a fact's prompts and seeds are averaged before it counts "
                + "once."
        );
        foreach (var note in r.Notes)
            s.AppendLine().AppendLine(note + ".");
        s.AppendLine();
        s.AppendLine(
                $"Learning rate: per variant, the highest validation score = accuracy on the new facts' held-out "
                    + $"training paraphrase + "
                    + $"{F(options.RetentionWeight)} × accuracy on the validation old facts, ties to the smaller "
                    + $"rate, first seed; epochs fixed at {options.Epochs} (not chosen)."
            )
            .AppendLine();
        s.AppendLine("| variant | trainable parameters | lr | seeds | Q_new % | Q_au % | Q_old % |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var x in summary)
            s.AppendLine(
                $"| {x.Variant} | {x.TrainableParameters:N0} | {x.LearningRate:G3} | {x.Seeds} | "
                    + $"{PctCi(x.NewAccuracy, x.NewAccuracyCiLow, x.NewAccuracyCiHigh)} | "
                    + $"{PctCi(x.ParaphraseAccuracy, x.ParaphraseAccuracyCiLow, x.ParaphraseAccuracyCiHigh)} | "
                    + $"{PctCi(x.RetentionAccuracy, x.RetentionAccuracyCiLow, x.RetentionAccuracyCiHigh)} |"
            );
        foreach (var (variant, why) in r.Skipped)
            s.AppendLine().AppendLine($"{variant}: {why}.");
        s.AppendLine()
            .AppendLine(
                "Paired contrasts (per fact, first minus second, in points: positive = the first pool does better; "
                    + "two-sided paired t-test):"
            )
            .AppendLine();
        s.AppendLine("| contrast | what it isolates | query set | facts | mean difference | p |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var c in contrasts)
            s.AppendLine(
                $"| {c.Contrast} | {c.Meaning} | {c.QuerySet} | {c.Facts} | "
                    + $"{PctCi(c.MeanDifference, c.CiLow, c.CiHigh)} | {F(c.PValue, "0.####")} |"
            );
        s.AppendLine()
            .AppendLine(
                "The whole learning-rate grid (first seed; validation columns choose, test columns are shown, not "
                    + "used):"
            )
            .AppendLine();
        s.AppendLine("| variant | lr | validation new % | validation old % | score | chosen | Q_au % | Q_old % |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        int firstSeed = options.Seeds[0];
        foreach (
            var g in r
                .Runs.Where(x => x.Seed == firstSeed)
                .OrderBy(x => x.Variant, StringComparer.Ordinal)
                .ThenBy(x => x.LearningRate)
        )
            s.AppendLine(
                $"| {g.Variant} | {g.LearningRate:G3} | {Pct(g.Validation.Accuracy)} | "
                    + $"{Pct(g.ValidationRetention.Accuracy)} | "
                    + $"{F(TrialScore(g, options), "0.###")} | "
                    + $"{(r.ChosenLearningRates.GetValueOrDefault(g.Variant) == g.LearningRate ? "yes" : "")} | "
                    + $"{Pct(g.Paraphrases.Accuracy)} | {Pct(g.Retention.Accuracy)} |"
            );
        s.AppendLine()
            .AppendLine(
                "E2 (after full fine-tuning; unit: neuron; hypergeometric null, two-sided p; a definition every "
                    + "neuron passes is vacuous and not tested):"
            )
            .AppendLine();
        s.AppendLine("| changed = | set | size | changed | overlap | share % | expected % | direction | p |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var o in r.Overlap)
            s.AppendLine(
                $"| {o.Definition} | {o.Set} | {o.SetSize} | {o.Changed} of {o.Population} | {o.Overlap} | "
                    + $"{Pct(o.Share)} | {Pct(o.Expected)} | {o.Direction} | {F(o.PValue, "G3")} |"
            );
        s.AppendLine()
            .AppendLine("The authors' reported accuracy (%) (Θ(DKN) / Θ(KN) / Θ(random) / Θ(all)):")
            .AppendLine();
        s.AppendLine("| model | Q_new | Q_old | Q_au |").AppendLine("|---|---|---|---|");
        foreach (var (model, sets) in AuthorsReported.Evolvability)
            s.AppendLine(
                $"| {model} | {string.Join(" / ", sets["Q_new"])} | {string.Join(" / ", sets["Q_old"])} | "
                    + $"{string.Join(" / ", sets["Q_au"])} |"
            );
        s.AppendLine()
            .AppendLine(
                "Signs: accuracies have the authors' orientation (higher is better). Their random pool is matched "
                    + "to the DKN pool in size only; "
                    + "ours in size and layers, with a second random pool matched to the knowledge neurons and a "
                    + "knowledge-neuron subset of the DKN pool's size."
            );
        s.AppendLine()
            .AppendLine(
                $"What differs in protocol: {AuthorsReported.EvolvabilityProtocol} Here everything outside the "
                    + $"chosen neurons is frozen "
                    + "(embeddings and norms included), one optimizer step per batch, a learning rate per variant "
                    + "chosen on held-out new and old facts, "
                    + "several seeds, and the overlap is computed against the changed neurons for every set."
            )
            .AppendLine();
        return s.ToString();
    }

    static string E1Finding(IReadOnlyList<FineTuneSummaryRow> summary, IReadOnlyList<FineTuneContrastRow> contrasts)
    {
        var dkn = summary.FirstOrDefault(x => x.Variant == "dkn");
        if (dkn is null)
            return "E1: the DKN variant did not run (see below), so E1 has no DKN finding.";
        var text =
            $"E1: fine-tuning only the DKN pool reaches Q_au "
            + $"{PctCi(dkn.ParaphraseAccuracy, dkn.ParaphraseAccuracyCiLow, dkn.ParaphraseAccuracyCiHigh)} % "
            + $"of {dkn.ParaphraseFacts} facts and keeps Q_old "
            + $"{PctCi(dkn.RetentionAccuracy, dkn.RetentionAccuracyCiLow, dkn.RetentionAccuracyCiHigh)} % of "
            + $"{dkn.RetentionFacts}";
        foreach (
            var (contrast, control) in new[]
            {
                ("dkn - random", "a matched random pool"),
                ("dkn - kn-subset", "a knowledge-neuron subset of its size"),
            }
        )
        {
            var au = contrasts.FirstOrDefault(c => c.Contrast == contrast && c.QuerySet == "Q_au");
            var old = contrasts.FirstOrDefault(c => c.Contrast == contrast && c.QuerySet == "Q_old");
            if (au is null || old is null)
                continue;
            bool better = au.CiLow > 0 || old.CiLow > 0,
                worse = au.CiHigh < 0 || old.CiHigh < 0;
            text +=
                $"; against {control}: Q_au {PctCi(au.MeanDifference, au.CiLow, au.CiHigh)} points, Q_old "
                + $"{PctCi(old.MeanDifference, old.CiLow, old.CiHigh)} points "
                + $"({Verdict(better, worse, control)})";
        }
        return text + ".";
    }

    static string E2Finding(EvolvabilityResult r)
    {
        var row = r.Overlap.FirstOrDefault(o => o.Set == "dkn" && o.Definition == "top k = set size")
            ?? r.Overlap.FirstOrDefault(o => o.Set == "dkn" && !o.Vacuous);
        if (row is null)
            return "E2: no full fine-tune or no DKN pool, so E2 has no finding.";
        var cut = r.Overlap.FirstOrDefault(o =>
            o.Set == "dkn" && o.Definition.StartsWith("relative change", StringComparison.Ordinal)
        );
        // The random pool has the DKN pool's layers: the null that allows for layers changing unequally.
        var random = r.Overlap.FirstOrDefault(o => o.Set == "random" && o.Definition == row.Definition);
        return $"E2 ({row.Definition}, k = {row.Changed} of {row.Population} neurons): {row.Overlap} of the "
            + $"{row.SetSize} DKN-pool neurons are among the most changed "
            + $"({Pct(row.Share)} % vs {Pct(row.Expected)} % expected by chance): {row.Direction}, two-sided p = "
            + $"{F(row.PValue, "G3")}"
            + (
                random is null
                    ? ""
                    : $"; a random pool of the same size and layers: {random.Overlap} of {random.SetSize} "
                        + $"({Pct(random.Share)} %, {random.Direction})"
            )
            + (
                cut is { Vacuous: true }
                    ? $"; the \"{cut.Definition}\" cut is vacuous here ({cut.Changed} of {cut.Population} neurons "
                        + $"pass it)."
                    : "."
            );
    }

    static double TrialScore(FineTuneRun g, EvolvabilityOptions options) =>
        new LearningRateTrial(g.LearningRate, g.Validation.Accuracy, g.ValidationRetention.Accuracy).Score(
            options.RetentionWeight
        );

    static string Verdict(bool better, bool worse, string control) =>
        (better, worse) switch
        {
            (true, false) => "DKN better",
            (false, true) => "DKN worse",
            (true, true) => "mixed: DKN better on one set, worse on the other",
            _ => "DKN no better than " + control,
        };
}

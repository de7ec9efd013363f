using System.Globalization;
using System.Text;
using MlNetDkn.Experiments.Evolvability;
using MlNetDkn.Metrics;
using MlNetDkn.Metrics.Reports;

namespace MlNetDkn.ML.Experiments;

/// <summary>E1's summary over seeds and e1_report.md (E1 by variant, E2 overlap, the authors' reported numbers).</summary>
static class FineTuneReport
{
    /// <summary>Per variant, the chosen learning rate's runs over seeds, with 95 % intervals over seeds.</summary>
    public static IReadOnlyList<FineTuneSummaryRow> Summary(EvolvabilityResult result)
    {
        return result.ChosenLearningRates.Select(kv =>
        {
            var runs = result.Runs.Where(r => r.Variant == kv.Key && r.LearningRate == kv.Value).ToList();
            var (n, p, r) = (Distribution.Of(runs.Select(x => x.New.Accuracy)), Distribution.Of(runs.Select(x => x.Paraphrases.Accuracy)), Distribution.Of(runs.Select(x => x.Retention.Accuracy)));
            return new FineTuneSummaryRow
            {
                Variant = kv.Key, LearningRate = kv.Value, TrainableParameters = runs.First().TrainableParameters, Seeds = runs.Count,
                NewAccuracy = n.Mean, NewAccuracyCiLow = n.CiLow, NewAccuracyCiHigh = n.CiHigh,
                ParaphraseAccuracy = p.Mean, ParaphraseAccuracyCiLow = p.CiLow, ParaphraseAccuracyCiHigh = p.CiHigh,
                RetentionAccuracy = r.Mean, RetentionAccuracyCiLow = r.CiLow, RetentionAccuracyCiHigh = r.CiHigh,
                NewProbability = runs.Average(x => x.New.MeanProbability), ParaphraseProbability = runs.Average(x => x.Paraphrases.MeanProbability),
                RetentionProbability = runs.Average(x => x.Retention.MeanProbability),
            };
        }).ToList();
    }

    public static string Markdown(EvolvabilityResult r, IReadOnlyList<FineTuneSummaryRow> summary)
    {
        static string F(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("0.#", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.AppendLine("## E1: fine-tuning only chosen neurons; E2: which neurons a full fine-tune changes").AppendLine();
        s.AppendLine($"{r.UpdatedFacts} facts updated (a new answer). Before fine-tuning: Q_new {F(r.BaselineNew.Accuracy)} %, Q_au {F(r.BaselineParaphrases.Accuracy)} %, " +
                     $"Q_old {F(r.BaselineRetention.Accuracy)} %. Accuracy is greedy on the gold tokens; the learning rate of each variant is chosen on a held-out training paraphrase.").AppendLine();
        s.AppendLine("| variant | trainable parameters | lr | seeds | Q_new % | Q_au % | Q_old % |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var x in summary)
            s.AppendLine($"| {x.Variant} | {x.TrainableParameters:N0} | {x.LearningRate:G3} | {x.Seeds} | {F(x.NewAccuracy)} [{F(x.NewAccuracyCiLow)}, {F(x.NewAccuracyCiHigh)}] | " +
                         $"{F(x.ParaphraseAccuracy)} [{F(x.ParaphraseAccuracyCiLow)}, {F(x.ParaphraseAccuracyCiHigh)}] | {F(x.RetentionAccuracy)} [{F(x.RetentionAccuracyCiLow)}, {F(x.RetentionAccuracyCiHigh)}] |");
        foreach (var (variant, why) in r.Skipped) s.AppendLine().AppendLine($"{variant}: not run ({why}).");
        s.AppendLine().AppendLine("E2 (after full fine-tuning; hypergeometric null):").AppendLine();
        s.AppendLine("| changed = | set | size | overlap | share % | expected % | p |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var o in r.Overlap) s.AppendLine($"| {o.Definition} | {o.Set} | {o.SetSize} | {o.Overlap} | {F(o.Share)} | {F(o.Expected)} | {o.PValue:G3} |");
        s.AppendLine().AppendLine("The authors' reported accuracy (%) (Θ(DKN) / Θ(KN) / Θ(random) / Θ(all)):").AppendLine();
        s.AppendLine("| model | Q_new | Q_old | Q_au |").AppendLine("|---|---|---|---|");
        foreach (var (model, sets) in AuthorsReported.Evolvability)
            s.AppendLine($"| {model} | {string.Join(" / ", sets["Q_new"])} | {string.Join(" / ", sets["Q_old"])} | {string.Join(" / ", sets["Q_au"])} |");
        s.AppendLine().AppendLine($"What differs in protocol: {AuthorsReported.EvolvabilityProtocol} Here everything outside the chosen neurons is frozen " +
                                  "(embeddings and norms included), one optimizer step per batch, a learning rate per variant, several seeds, and the " +
                                  "overlap is computed against the changed neurons for every set.").AppendLine();
        return s.ToString();
    }
}

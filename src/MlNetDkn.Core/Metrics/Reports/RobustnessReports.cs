using System.Text;
using MlNetDkn.Experiments.Robustness;
using static MlNetDkn.Metrics.Reports.Findings;

namespace MlNetDkn.Metrics.Reports;

/// <summary>r1_report.md and r2_report.md: a one-sentence finding per route with its number and interval first, then
/// every row with its unit and denominator, the paired contrasts against matched controls, and the authors' numbers
/// beside ours with the sign convention and what of their protocol could not be applied.</summary>
public static class RobustnessReports
{
    /// <summary>Below this many facts the authors' outcome filter cannot give a mean worth comparing.</summary>
    public const int FilterMinimumFacts = 2;

    /// <summary>The markdown of r1_report.md.</summary>
    /// <param name="facts">Facts with a DKN that R1 ran on (the records' count), stated in the report.</param>
    public static string Suppression(SuppressionMetrics m, int facts)
    {
        var s = new StringBuilder();
        s.AppendLine("## R1: suppressing DKNs under perturbed queries").AppendLine();
        s.AppendLine(
                "**Findings** (unit: fact; all perturbation kinds; the interaction is [log P_c(Q*) − log P_c(Q)] − "
                    + "[log P(Q*) − log P(Q)] "
                    + "per fact, negative when suppression lowers P on the perturbed query more than on the clean "
                    + "one; intervals 95 % bootstrap over facts):"
            )
            .AppendLine();
        foreach (var route in m.Summary.Select(r => r.Route).Distinct())
            s.AppendLine("- " + SuppressionFinding(m, route));
        s.AppendLine();
        s.AppendLine(
                $"{facts} facts with a DKN. ΔP (%) is the authors' measure, 100·(mean P_c(Q*) − mean P_c(Q))/mean "
                    + $"P_c(Q) over all facts "
                    + "(for \"none\": the unmodified model), with a 95 % bootstrap interval over facts: **negative "
                    + "means the perturbed query has less "
                    + "probability than the clean one**. The facts column is every interval's denominator; a "
                    + "fact's perturbations and random draws "
                    + "are averaged before it counts once. \"authors' filter\" is their outcome-filtered mean "
                    + "(facts kept), for comparison only."
            )
            .AppendLine();
        s.AppendLine(
            "| route | kind | condition | unit | facts | ΔP % | interaction log P | authors' filter ΔP % (facts kept) |"
        );
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in m.Summary)
            s.AppendLine(
                $"| {r.Route} | {r.Kind} | {r.Condition} | {r.Unit} | {r.Facts} | "
                    + $"{F(r.ChangePercent)}{Ci(r.ChangePercentCiLow, r.ChangePercentCiHigh)} | "
                    + $"{F(r.InteractionLogP, "0.###")}"
                    + $"{Ci(r.InteractionLogPCiLow, r.InteractionLogPCiHigh, "0.###")} | "
                    + $"{F(r.AuthorsFilteredChangePercent)} ({r.AuthorsFilteredFactsPerturbed} of {r.Facts}) |"
            );
        s.AppendLine()
            .AppendLine(
                "Paired contrasts against matched controls (per fact, interaction in log P, first minus second: "
                    + "negative = the first "
                    + "set's suppression hurts the perturbed query more; 95 % bootstrap over facts; two-sided "
                    + "paired t-test):"
            )
            .AppendLine();
        s.AppendLine("| route | kind | contrast | what it isolates | facts | mean difference | p |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in m.Contrasts)
            s.AppendLine(
                $"| {c.Route} | {c.Kind} | {c.Contrast} | {c.Meaning} | {c.Facts} | "
                    + $"{F(c.MeanDifferenceLogP, "0.###")}{Ci(c.CiLow, c.CiHigh, "0.###")} | {F(c.PValue, "0.####")} |"
            );
        s.AppendLine().AppendLine("The authors' reported ΔP (%) (DKN / KN / random / none):").AppendLine();
        s.AppendLine("| model | route | replace | add | delete |").AppendLine("|---|---|---|---|---|");
        foreach (var ((model, route), kinds) in AuthorsReported.Suppression)
            s.AppendLine(
                $"| {model} | {route} | {string.Join(" / ", kinds["replace"])} | "
                    + $"{string.Join(" / ", kinds["add"])} | {string.Join(" / ", kinds["delete"])} |"
            );
        s.AppendLine().AppendLine(SuppressionSigns(m));
        s.AppendLine()
            .AppendLine(
                $"What differs in protocol: {AuthorsReported.SuppressionProtocol} Here every condition is "
                    + $"computed, over every fact "
                    + "with a DKN, on the same perturbed prompts, with matched random controls and intervals."
            )
            .AppendLine();
        return s.ToString();
    }

    static string SuppressionFinding(SuppressionMetrics m, string route)
    {
        var dkn = m.Summary.FirstOrDefault(r =>
            r.Route == route && r.Kind == SuppressionMetrics.AllKinds && r.Condition == "dkn"
        );
        if (dkn is null)
            return $"{route}: no fact has a DKN, so R1 has no finding.";
        ConditionContrastRow? C(string contrast) =>
            m.Contrasts.FirstOrDefault(c =>
                c.Route == route && c.Kind == SuppressionMetrics.AllKinds && c.Contrast == contrast
            );
        var text =
            $"{route}: suppressing the DKN gives an interaction of "
            + $"{F(dkn.InteractionLogP, "0.###")}{Ci(dkn.InteractionLogPCiLow, dkn.InteractionLogPCiHigh, "0.###")} "
            + $"log P over {dkn.Facts} facts";
        foreach (
            var (contrast, control) in new[]
            {
                ("dkn - random-dkn", "a random set matched in size and layers"),
                ("dkn - kn-subset", "a knowledge-neuron subset of its size"),
            }
        )
            if (C(contrast) is { } c)
            {
                var side = Side(
                    c.CiLow,
                    c.CiHigh,
                    "the DKN hurts the perturbed query less",
                    "the DKN hurts the perturbed query more",
                    "DKN no different"
                );
                text +=
                    $"; DKN − {control}: {F(c.MeanDifferenceLogP, "0.###")}{Ci(c.CiLow, c.CiHigh, "0.###")} ({side})";
            }
        return text + ".";
    }

    /// <summary>The sign convention beside the authors' numbers, and whether their outcome filter could be
    /// applied.</summary>
    static string SuppressionSigns(SuppressionMetrics m)
    {
        var s = new StringBuilder();
        s.Append(
            "Signs: the authors' bars are positive, drawn as the size of the change; ours keep the sign of "
                + "100·(P_c(Q*) − P_c(Q))/P_c(Q), "
                + "so a drop is negative here. Compare magnitudes, and the order of the conditions, not signs."
        );
        var thin = m
            .Summary.Where(r =>
                r.Condition != "none"
                && Math.Min(r.AuthorsFilteredFactsClean, r.AuthorsFilteredFactsPerturbed) < FilterMinimumFacts
            )
            .ToList();
        if (thin.Count > 0)
            s.Append(
                $" The authors' outcome filter (keep facts whose P after suppression is below the cut-off) cannot "
                    + $"be applied on this model: "
                    + $"it keeps fewer than {FilterMinimumFacts} facts in {thin.Count} of "
                    + $"{m.Summary.Count(r => r.Condition != "none")} rows "
                    + $"(the most it keeps in any row is "
                    + $"{thin.Max(r => Math.Max(r.AuthorsFilteredFactsClean, r.AuthorsFilteredFactsPerturbed))}), "
                    + $"so its column is not a comparison."
            );
        return s.ToString();
    }

    /// <summary>The markdown of r2_report.md.</summary>
    public static string Enhancement(EnhancementMetrics m)
    {
        var s = new StringBuilder();
        s.AppendLine("## R2: enhancing DKNs on perturbed queries the model fails").AppendLine();
        s.AppendLine(
                "**Findings** (unit: failed perturbed query, all kinds; accuracy after ×2 with a 95 % Wilson "
                    + "interval over queries, a random "
                    + "control's draws averaged per query first; paired differences in percentage points with a 95 "
                    + "% bootstrap that resamples facts):"
            )
            .AppendLine();
        foreach (var route in m.Summary.Select(r => r.Route).Distinct())
            s.AppendLine("- " + EnhancementFinding(m, route));
        if (m.Summary.Count == 0)
            s.AppendLine(
                "- No fact is answered on its clean prompt and fails a perturbed one, so R2 has no query and no "
                    + "finding."
            );
        s.AppendLine();
        s.AppendLine(
                $"{m.FactsSelected} of {m.FactsSeen} facts with a DKN are answered on the clean prompt and fail on "
                    + $"at least one perturbed prompt "
                    + "(selected on the unmodified model). Accuracy: greedy answer equals the gold tokens after "
                    + "×2. The queries column is the "
                    + "denominator of accuracy and interval; observations = queries × draws are never counted as "
                    + "trials. Collateral: log P change "
                    + "on the clean prompt and on unrelated facts."
            )
            .AppendLine();
        s.AppendLine(
            "| route | kind | condition | unit | queries (facts) | draws | accuracy % | Δ log P | clean Δ log P | "
                + "unrelated Δ log P | unrelated Δ accuracy |"
        );
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in m.Summary)
            s.AppendLine(
                $"| {r.Route} | {r.Kind} | {r.Condition} | {r.Unit} | {r.Queries} ({r.Facts}) | {r.Draws} | "
                    + $"{F(100 * r.Accuracy, "0.#")}{Ci(100 * r.AccuracyCiLow, 100 * r.AccuracyCiHigh, "0.#")} | "
                    + $"{F(r.DeltaLogP, "0.###")}{Ci(r.DeltaLogPCiLow, r.DeltaLogPCiHigh, "0.###")} | "
                    + $"{F(r.CleanDeltaLogP, "0.###")} | {F(r.UnrelatedDeltaLogP, "0.###")} | "
                    + $"{F(r.UnrelatedAccuracyChange, "0.###")} |"
            );
        s.AppendLine()
            .AppendLine(
                "Paired contrasts (per query, first minus second; positive = the first set's enhancement answers more; "
                    + "an interval [0, 0] means the two sets answer exactly the same queries):"
            )
            .AppendLine();
        s.AppendLine(
            "| route | kind | contrast | what it isolates | queries (facts) | accuracy difference (points) | Δ log "
                + "P difference |"
        );
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in m.Contrasts)
            s.AppendLine(
                $"| {c.Route} | {c.Kind} | {c.Contrast} | {c.Meaning} | {c.Queries} ({c.Facts}) | "
                    + $"{F(100 * c.AccuracyDifference, "0.#")}{Ci(100 * c.CiLow, 100 * c.CiHigh, "0.#")} | "
                    + $"{F(c.DeltaLogPDifference, "0.###")}{Ci(c.DeltaLogPCiLow, c.DeltaLogPCiHigh, "0.###")} |"
            );
        s.AppendLine().AppendLine("The authors' reported accuracy (%) (DKN / KN / random):").AppendLine();
        s.AppendLine("| model | route | replace | add | delete |").AppendLine("|---|---|---|---|---|");
        foreach (var ((model, route), kinds) in AuthorsReported.Enhancement)
            s.AppendLine(
                $"| {model} | {route} | {string.Join(" / ", kinds["replace"])} | "
                    + $"{string.Join(" / ", kinds["add"])} | {string.Join(" / ", kinds["delete"])} |"
            );
        s.AppendLine()
            .AppendLine(
                "Signs: accuracy has the same orientation as the authors' (higher = more queries recovered); their "
                    + "unmodified model is 0 % by "
                    + "construction, as ours is (the none rows)."
            );
        s.AppendLine()
            .AppendLine(
                $"What differs in protocol: {AuthorsReported.EnhancementProtocol} Here the score is teacher-forced "
                    + $"(greedy on the gold tokens), "
                    + "every condition is computed, and collateral change is measured."
            )
            .AppendLine();
        return s.ToString();
    }

    static string EnhancementFinding(EnhancementMetrics m, string route)
    {
        EnhancementSummaryRow? R(string condition) =>
            m.Summary.FirstOrDefault(r =>
                r.Route == route && r.Kind == SuppressionMetrics.AllKinds && r.Condition == condition
            );
        var dkn = R("dkn");
        if (dkn is null)
            return $"{route}: no failed query has a DKN, so R2 has no finding.";
        string Acc(EnhancementSummaryRow r) =>
            $"{F(100 * r.Accuracy, "0.#")} %{Ci(100 * r.AccuracyCiLow, 100 * r.AccuracyCiHigh, "0.#")}";
        var text = $"{route}: ×2 on the DKN recovers {Acc(dkn)} of {dkn.Queries} failed queries ({dkn.Facts} facts)";
        if (R("random-dkn") is { } random)
            text += $", a matched random set {Acc(random)}";
        foreach (
            var (contrast, control) in new[]
            {
                ("dkn - random-dkn", "matched random"),
                ("dkn - kn-subset", "knowledge-neuron subset of its size"),
            }
        )
            if (
                m.Contrasts.FirstOrDefault(c =>
                    c.Route == route && c.Kind == SuppressionMetrics.AllKinds && c.Contrast == contrast
                ) is
                { } c
            )
                text +=
                    $"; DKN − {control}: {F(100 * c.AccuracyDifference, "0.#")} "
                    + $"points{Ci(100 * c.CiLow, 100 * c.CiHigh, "0.#")} "
                    + $"({Side(c.CiLow, c.CiHigh, "DKN better", "DKN worse", "DKN no better than the control")})";
        return text + ".";
    }
}

using System.Globalization;
using MlNetDkn.Training;

namespace MlNetDkn.Pipelines;

/// <summary>Turns trainer progress into generic step progress: optimiser steps done of all, with loss and the last
/// accuracies.</summary>
public sealed class TrainingStepProgress(IProgress<StepProgress> inner) : IProgress<TrainingProgress>
{
    string _eval = "";

    /// <summary>Forwards one training report as optimiser steps done of all; reports that carry accuracies
    /// are milestones.</summary>
    public void Report(TrainingProgress p)
    {
        if (p.TrainAccuracy is not null)
            _eval = string.Create(
                CultureInfo.InvariantCulture,
                $", train {p.TrainAccuracy:P1}, held-out {p.HeldoutAccuracy:P1}"
            );
        inner.Report(
            new StepProgress(
                p.Step,
                p.TotalSteps,
                string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}, loss {p.Loss:0.0000}{_eval}"),
                Milestone: p.TrainAccuracy is not null
            )
        );
    }
}

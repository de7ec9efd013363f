namespace MlNetDkn.Training;

/// <summary>What the trainer reports after every optimiser step and every evaluation.</summary>
/// <param name="Step">Optimiser steps done so far (1-based); <paramref name="TotalSteps"/> assumes no early
/// stop.</param>
/// <param name="Loss">Mean loss of the last batch.</param>
/// <param name="TrainAccuracy">Set after a full evaluation, else null.</param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Step,
    int TotalSteps,
    double Loss,
    double LearningRate,
    double? TrainAccuracy = null,
    double? HeldoutAccuracy = null
);

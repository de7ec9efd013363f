namespace MlNetDkn;
public static class Probe { public static string Run() { using var t = TorchSharp.torch.ones(2, 2); return t.sum().item<float>().ToString(); } }

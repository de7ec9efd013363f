Console.WriteLine(MlNetDkn.Probe.Run());

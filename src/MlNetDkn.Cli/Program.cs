using MlNetDkn.Cli;

return DknApp.Run(args);

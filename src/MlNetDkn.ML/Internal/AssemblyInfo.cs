using System.Runtime.CompilerServices;

// Tests check that loaded pipelines release every shared model and store.
[assembly: InternalsVisibleTo("MlNetDkn.Tests")]

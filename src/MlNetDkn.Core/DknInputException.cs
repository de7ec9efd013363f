namespace MlNetDkn;

/// <summary>
/// Bad input from the user (a file, row, column, tensor or option that is not what was expected). The CLI prints the
/// message as one line and exits non-zero; the message must name what was wrong and what was expected.
/// </summary>
public class DknInputException(string message) : Exception(message);

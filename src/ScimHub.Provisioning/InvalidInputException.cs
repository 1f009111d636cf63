namespace ScimHub.Provisioning;

/// <summary>
/// Input of an admin use case (API body or query, CLI option) that cannot be used, naming the field. Nothing was
/// saved. The admin API answers it as a ProblemDetails validation error, the CLI as <c>--field: message</c>.
/// </summary>
public class InvalidInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

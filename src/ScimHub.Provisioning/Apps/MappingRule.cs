namespace ScimHub.Provisioning.Apps;

/// <summary>
/// One attribute rule of an app: the value at <see cref="Source"/> (a SCIM attribute path, e.g. Entra's
/// <c>urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCenterCode</c>), or
/// <see cref="Constant"/>, becomes the custom profile attribute <see cref="Target"/>, after <see cref="Transform"/>
/// (none, lower, upper, trim); <see cref="Default"/> stands in when the source is empty. <see cref="SourceType"/> is
/// the type of a source in an extension only this app sends (string, integer, decimal or boolean; default string).
/// </summary>
public sealed record MappingRule(string? Source, string Target, string? Transform = null, string? Default = null, string? Constant = null, string? SourceType = null);

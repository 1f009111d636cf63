using System.Security.Cryptography;
using System.Text;

namespace ScimHub.Provisioning.Apps;

/// <summary>
/// Bearer tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A token of that entropy cannot be
/// guessed, so a fast hash is enough (a slow, salted hash protects low-entropy passwords, not random keys).
/// </summary>
public static class AppTokens
{
    private const string Prefix = "scimhub_";

    public static string NewToken(string prefix = Prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Security.Cryptography;
using System.Text;

namespace Gateway.Testing;

/// <summary>
/// Recognisable secrets for tests. Each is distinctive enough that a scan of everything the gateway
/// emitted can look for it (DEVELOPERS.md "Secrets").
/// </summary>
public static class TestCredentials
{
    public const string AliceApiKey = "alice-key-SECRET-7f3a91c2";
    public const string BobApiKey = "bob-key-SECRET-0d84e6b5";
    public const string CarolBearerToken = "carol-bearer-SECRET-5c2e07aa";
    public const string UpstreamToken = "upstream-token-SECRET-91b7d3e4";
    public const string AdminKey = "admin-key-SECRET-3e9a5f1c";

    public static IReadOnlyList<string> AllSecrets { get; } = [AliceApiKey, BobApiKey, CarolBearerToken, UpstreamToken, AdminKey];

    public static string Sha256Hex(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

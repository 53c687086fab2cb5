namespace Gateway.Authorization;

/// <summary>
/// A key of the gateway's authorization server, stored as a Data Protection payload so every replica
/// (sharing the key ring in the database) signs and encrypts with the same keys.
/// </summary>
internal sealed class SigningKey
{
    public const string SigningId = "signing-rsa-1";
    public const string EncryptionId = "encryption-aes-1";

    public required string Id { get; set; }

    public required string ProtectedKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

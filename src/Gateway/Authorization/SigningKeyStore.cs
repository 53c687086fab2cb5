using System.Security.Cryptography;
using Gateway.State;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authorization;

/// <summary>
/// The authorization server's signing key (RSA, RS256) and token encryption key (AES-256), created on
/// first start and kept in the database, sealed by Data Protection. Replicas starting together race
/// to insert; the loser reads the winner's key. Rotation: README "Authorization server keys".
/// </summary>
internal sealed class SigningKeyStore(GatewayDatabase database, IDataProtectionProvider dataProtection, TimeProvider time)
{
    private const string ProtectorPurpose = "Gateway.Authorization.SigningKey.v1";
    private readonly IDataProtector _protector = dataProtection.CreateProtector(ProtectorPurpose);

    public SigningCredentials LoadSigningCredentials()
    {
        var pkcs8 = GetOrCreate(SigningKey.SigningId, static () =>
        {
            using var rsa = RSA.Create(2048);
            return rsa.ExportPkcs8PrivateKey();
        });
        var key = RSA.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        CryptographicOperations.ZeroMemory(pkcs8);
        return new SigningCredentials(new RsaSecurityKey(key) { KeyId = SigningKey.SigningId }, SecurityAlgorithms.RsaSha256);
    }

    public EncryptingCredentials LoadEncryptionCredentials()
    {
        var secret = GetOrCreate(SigningKey.EncryptionId, static () => RandomNumberGenerator.GetBytes(32));
        return new EncryptingCredentials(new SymmetricSecurityKey(secret) { KeyId = SigningKey.EncryptionId },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
    }

    private byte[] GetOrCreate(string id, Func<byte[]> create)
    {
        // Synchronous: OpenIddict reads its options synchronously, once, at the first request that needs them.
        using var db = database.CreateContext();
        if (db.SigningKeys.AsNoTracking().SingleOrDefault(k => k.Id == id) is { } existing)
        {
            return _protector.Unprotect(Convert.FromBase64String(existing.ProtectedKey));
        }

        var material = create();
        db.SigningKeys.Add(new SigningKey { Id = id, ProtectedKey = Convert.ToBase64String(_protector.Protect(material)), CreatedAt = time.GetUtcNow() });
        try
        {
            db.SaveChanges();
            return material;
        }
        catch (DbUpdateException)
        {
            // Another replica inserted it first: use that one, so all replicas agree.
            CryptographicOperations.ZeroMemory(material);
            using var again = database.CreateContext();
            var winner = again.SigningKeys.AsNoTracking().Single(k => k.Id == id);
            return _protector.Unprotect(Convert.FromBase64String(winner.ProtectedKey));
        }
    }
}

using System.Xml.Linq;
using Gateway.Inbound;
using Gateway.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.UnitTests.Sessions;

public sealed class SessionBinderTests
{
    private static readonly GatewayPrincipal s_alice = new("alice", InboundCredentialKind.ApiKey);
    private static readonly GatewayPrincipal s_bob = new("bob", InboundCredentialKind.BearerToken);

    [Theory]
    [InlineData("1868a90c-5c4b-4c4f-9a4e-3d3e0c7a1b2f")]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("upstream id with spaces\nand a newline")]
    [InlineData("é€😀")]
    public void SealThenUnseal_SamePrincipal_ReturnsTheUpstreamId(string upstreamSessionId)
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);

        var sealedId = binder.Seal(s_alice, upstreamSessionId);

        Assert.Equal(upstreamSessionId, binder.Unseal(s_alice, sealedId));
    }

    [Fact]
    public void SealedId_CarriesWhenTheSessionStarted_ToTheMillisecond()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 1, 2, 3, 456, TimeSpan.Zero));
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), time);
        var sealedId = binder.Seal(s_alice, "upstream-1");
        time.Advance(TimeSpan.FromMinutes(5));

        var upstream = binder.Unseal(s_alice, sealedId, out var startedAt);

        Assert.Equal("upstream-1", upstream);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 1, 2, 3, 456, TimeSpan.Zero), startedAt);
    }

    [Fact]
    public void Unseal_AnotherPrincipal_ReturnsNull()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(s_alice, "upstream-1");

        Assert.Null(binder.Unseal(s_bob, sealedId));
    }

    [Theory]
    [InlineData("alice", "alic")]
    [InlineData("alic", "alice")]
    [InlineData("alice", "Alice")]
    [InlineData("alice", "anonymous")]
    public void Unseal_PrincipalWhoseIdDiffersSlightly_ReturnsNull(string owner, string other)
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(new GatewayPrincipal(owner, InboundCredentialKind.ApiKey), "upstream-1");

        Assert.Null(binder.Unseal(new GatewayPrincipal(other, InboundCredentialKind.ApiKey), sealedId));
    }

    [Fact]
    public void Unseal_SameIdDifferentCredentialKind_ReturnsTheUpstreamId()
    {
        // The binding is to the configured principal id; ids are unique across kinds (validated at start-up).
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(new GatewayPrincipal("ci", InboundCredentialKind.ApiKey), "upstream-1");

        Assert.Equal("upstream-1", binder.Unseal(new GatewayPrincipal("ci", InboundCredentialKind.BearerToken), sealedId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("not base64 !!")]
    [InlineData("AAAA")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("1868a90c-5c4b-4c4f-9a4e-3d3e0c7a1b2f")]
    public void Unseal_Garbage_ReturnsNull(string clientSessionId)
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);

        Assert.Null(binder.Unseal(s_alice, clientSessionId));
    }

    [Fact]
    public void Unseal_TruncatedId_ReturnsNullForEveryLength()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(s_alice, "upstream-1");

        for (var length = 0; length < sealedId.Length; length++)
        {
            Assert.Null(binder.Unseal(s_alice, sealedId[..length]));
        }
    }

    [Fact]
    public void Unseal_TamperedId_ReturnsNullForEveryPosition()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(s_alice, "upstream-1");

        // The last character may carry only padding bits of base64url, so leave it out.
        for (var i = 0; i < sealedId.Length - 1; i++)
        {
            var chars = sealedId.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            Assert.Null(binder.Unseal(s_alice, new string(chars)));
        }
    }

    [Fact]
    public void Unseal_ExtraCharactersAppended_ReturnsNull()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(s_alice, "upstream-1");

        Assert.Null(binder.Unseal(s_alice, sealedId + "AAAA"));
    }

    [Theory]
    [InlineData("upstream-1")]
    [InlineData("é€😀 \t\n")]
    [InlineData("")]
    public void Seal_Always_ReturnsVisibleAsciiOnly(string upstreamSessionId)
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);

        var sealedId = binder.Seal(s_alice, upstreamSessionId);

        Assert.NotEmpty(sealedId);
        Assert.All(sealedId, static c => Assert.InRange(c, (char)0x21, (char)0x7E));
    }

    [Fact]
    public void Seal_SameInputTwice_GivesDifferentIds()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);

        Assert.NotEqual(binder.Seal(s_alice, "upstream-1"), binder.Seal(s_alice, "upstream-1"));
    }

    [Fact]
    public void Unseal_ByAnotherBinderSharingTheKeys_ReturnsTheUpstreamId()
    {
        // Two replicas holding the same Data Protection keys.
        var provider = new EphemeralDataProtectionProvider();
        var replicaA = new SessionBinder(provider, TimeProvider.System);
        var replicaB = new SessionBinder(provider, TimeProvider.System);

        var sealedId = replicaA.Seal(s_alice, "upstream-1");

        Assert.Equal("upstream-1", replicaB.Unseal(s_alice, sealedId));
        Assert.Null(replicaB.Unseal(s_bob, sealedId));
    }

    [Fact]
    public void Unseal_ByBinderWithOtherKeys_ReturnsNull()
    {
        var replicaA = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var replicaB = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);

        var sealedId = replicaA.Seal(s_alice, "upstream-1");

        Assert.Null(replicaB.Unseal(s_alice, sealedId));
    }

    [Fact]
    public void Unseal_IdProtectedForAnotherPurpose_ReturnsNull()
    {
        var provider = new EphemeralDataProtectionProvider();
        var foreign = provider.CreateProtector("Some.Other.Purpose").Protect("alice\nupstream-1");

        Assert.Null(new SessionBinder(provider, TimeProvider.System).Unseal(s_alice, foreign));
    }

    // --- The cache of opened ids ---------------------------------------------------------------

    [Fact]
    public void Unseal_OpenedBeforeByTheOwner_StillRefusesAnotherPrincipal()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(s_alice, "upstream-1");
        Assert.Equal("upstream-1", binder.Unseal(s_alice, sealedId));

        Assert.Null(binder.Unseal(s_bob, sealedId));
        Assert.Equal("upstream-1", binder.Unseal(s_alice, sealedId));
    }

    [Fact]
    public void Unseal_RefusedFirstByAnotherPrincipal_StillOpensForTheOwner()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var sealedId = binder.Seal(s_alice, "upstream-1");

        Assert.Null(binder.Unseal(s_bob, sealedId));

        Assert.Equal("upstream-1", binder.Unseal(s_alice, sealedId));
    }

    [Fact]
    public void Unseal_MoreSessionsThanTheCacheHolds_OpensEachCorrectly()
    {
        var binder = new SessionBinder(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var ids = Enumerable.Range(0, 10_050).Select(i => (Upstream: $"up-{i}", Sealed: binder.Seal(s_alice, $"up-{i}"))).ToArray();

        foreach (var (upstream, sealedId) in ids)
        {
            Assert.Equal(upstream, binder.Unseal(s_alice, sealedId));
        }

        foreach (var (upstream, sealedId) in ids)
        {
            Assert.Equal(upstream, binder.Unseal(s_alice, sealedId));
            Assert.Null(binder.Unseal(s_bob, sealedId));
        }
    }

    [Fact]
    public void Unseal_AfterTheKeyIsRevoked_ReturnsNull()
    {
        // "a session id ... sealed with a retired key, is simply unknown" (SessionBinder): revoking the
        // Data Protection keys is how an operator ends every outstanding session at once.
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("gateway-unit-tests");
        services.Configure<KeyManagementOptions>(static o => o.XmlRepository = new InMemoryXmlRepository());
        using var container = services.BuildServiceProvider();
        var provider = container.GetRequiredService<IDataProtectionProvider>();
        var time = new FakeTimeProvider();
        var binder = new SessionBinder(provider, time);
        var sealedId = binder.Seal(s_alice, "upstream-1");
        Assert.Equal("upstream-1", binder.Unseal(s_alice, sealedId));

        container.GetRequiredService<IKeyManager>().RevokeAllKeys(DateTimeOffset.UtcNow.AddMinutes(1), "test: keys compromised");

        Assert.Null(new SessionBinder(provider, TimeProvider.System).Unseal(s_alice, sealedId));
        // The binder that opened it before remembers the result for at most its cache lifetime.
        time.Advance(SessionBinder.CacheLifetime + TimeSpan.FromSeconds(1));
        Assert.Null(binder.Unseal(s_alice, sealedId));
    }

    private sealed class InMemoryXmlRepository : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_elements)
            {
                return [.. _elements.Select(static e => new XElement(e))];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_elements)
            {
                _elements.Add(new XElement(element));
            }
        }
    }
}

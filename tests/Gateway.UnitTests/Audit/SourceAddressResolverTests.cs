using System.Net;
using Gateway.Audit;
using Microsoft.Extensions.Primitives;

namespace Gateway.UnitTests.Audit;

public sealed class SourceAddressResolverTests
{
    private static readonly SourceAddressResolver s_behindProxies = new(["10.0.0.0/8", "192.0.2.1", "fd00::/8"]);

    [Fact]
    public void Resolve_NoTrustedProxies_IgnoresForwardedFor()
    {
        var resolver = new SourceAddressResolver([]);

        Assert.Equal("198.51.100.7", resolver.Resolve(IPAddress.Parse("198.51.100.7"), "203.0.113.10"));
    }

    [Fact]
    public void Resolve_SpoofedForwardedForFromUntrustedPeer_IsIgnored()
    {
        Assert.Equal("198.51.100.7", s_behindProxies.Resolve(IPAddress.Parse("198.51.100.7"), "10.1.1.1, 203.0.113.10"));
    }

    [Fact]
    public void Resolve_TrustedPeer_TakesTheHopBeforeIt()
    {
        Assert.Equal("203.0.113.10", s_behindProxies.Resolve(IPAddress.Parse("10.0.0.5"), "203.0.113.10"));
    }

    [Fact]
    public void Resolve_ChainOfTrustedProxies_WalksRightToLeftToFirstUntrusted()
    {
        // The client prepended a forged entry; the first untrusted address from the right is the real client.
        var forwarded = new StringValues(["6.6.6.6, 203.0.113.10", "192.0.2.1, 10.2.3.4"]);

        Assert.Equal("203.0.113.10", s_behindProxies.Resolve(IPAddress.Parse("10.0.0.5"), forwarded));
    }

    [Fact]
    public void Resolve_AllHopsTrusted_ReturnsLeftmost()
    {
        Assert.Equal("10.9.9.9", s_behindProxies.Resolve(IPAddress.Parse("10.0.0.5"), "10.9.9.9, 10.8.8.8"));
    }

    [Fact]
    public void Resolve_UnparseableHop_StopsAtLastKnownHop()
    {
        Assert.Equal("10.8.8.8", s_behindProxies.Resolve(IPAddress.Parse("10.0.0.5"), "203.0.113.10, unknown, 10.8.8.8"));
    }

    [Theory]
    [InlineData("203.0.113.10:51234", "203.0.113.10")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void Resolve_HopWithPortOrIpv6_IsParsed(string hop, string expected)
    {
        Assert.Equal(expected, s_behindProxies.Resolve(IPAddress.Parse("10.0.0.5"), hop));
    }

    [Fact]
    public void Resolve_Ipv4MappedPeer_IsMatchedAndRecordedAsIpv4()
    {
        var mapped = IPAddress.Parse("10.0.0.5").MapToIPv6();

        Assert.Equal("203.0.113.10", s_behindProxies.Resolve(mapped, "203.0.113.10"));
        Assert.Equal("198.51.100.7", s_behindProxies.Resolve(IPAddress.Parse("198.51.100.7").MapToIPv6(), StringValues.Empty));
    }

    [Fact]
    public void Resolve_TrustedIpv6Peer_HonoursHeader()
    {
        Assert.Equal("203.0.113.10", s_behindProxies.Resolve(IPAddress.Parse("fd00::1"), "203.0.113.10"));
    }

    [Fact]
    public void Resolve_NoPeer_IsUnknown()
    {
        Assert.Equal("unknown", s_behindProxies.Resolve(null, "203.0.113.10"));
    }

    [Fact]
    public void Resolve_TrustedPeerWithoutHeader_ReturnsPeer()
    {
        Assert.Equal("10.0.0.5", s_behindProxies.Resolve(IPAddress.Parse("10.0.0.5"), StringValues.Empty));
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("192.0.2.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::/8", true)]
    [InlineData(" 172.16.0.0/12 ", true)]
    [InlineData("10.1.2.3/8", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("proxy.internal", false)]
    [InlineData("", false)]
    public void TryParseNetwork_AcceptsAddressesAndCidrs(string entry, bool expected)
    {
        Assert.Equal(expected, SourceAddressResolver.TryParseNetwork(entry, out _));
    }

    [Fact]
    public void Constructor_InvalidEntry_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SourceAddressResolver(["not-an-ip"]));
    }
}

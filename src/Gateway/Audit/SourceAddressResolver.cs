using System.Net;
using Microsoft.Extensions.Primitives;

namespace Gateway.Audit;

/// <summary>
/// The record's <c>sourceIPAddress</c>: the connection's peer, unless that peer is one of
/// <see cref="AuditOptions.TrustedProxies"/>; then <c>X-Forwarded-For</c> is walked from the right
/// (the hop nearest the gateway) past every trusted proxy, and the first address not trusted is the
/// client. A header from an untrusted peer is ignored whole: anyone can send one, naming any address.
/// </summary>
internal sealed class SourceAddressResolver
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>What is recorded when the connection has no IP peer (in-memory test server, Unix socket).</summary>
    public const string UnknownAddress = "unknown";

    /// <summary>The most <c>X-Forwarded-For</c> entries examined; a longer chain is not walked further.</summary>
    public const int MaxHops = 32;

    private readonly IPNetwork[] _trusted;

    public SourceAddressResolver(IEnumerable<string> trustedProxies)
    {
        ArgumentNullException.ThrowIfNull(trustedProxies);
        _trusted = [.. trustedProxies.Select(static entry => TryParseNetwork(entry, out var network)
            ? network
            : throw new ArgumentException($"'{entry}' is not an IP address or CIDR range.", nameof(trustedProxies)))];
    }

    /// <summary>Parses <c>10.1.2.3</c>, <c>10.0.0.0/8</c>, <c>::1</c> or <c>fd00::/8</c>.</summary>
    public static bool TryParseNetwork(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        entry = entry.Trim();
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            // A base address with bits set past the prefix (10.1.2.3/8) is refused, not masked: it is a typo
            // for either 10.0.0.0/8 or 10.1.2.3/32, and guessing which would trust the wrong hosts.
            return IPNetwork.TryParse(entry, out network)
                && IPAddress.TryParse(entry.AsSpan(0, slash), out var baseAddress)
                && baseAddress.Equals(network.BaseAddress);
        }

        if (!IPAddress.TryParse(entry, out var address))
        {
            return false;
        }

        address = Canonical(address);
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    public bool IsTrusted(IPAddress address)
    {
        address = Canonical(address);
        foreach (var network in _trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The client's address as text, or <see cref="UnknownAddress"/>.</summary>
    public string Resolve(IPAddress? remoteIpAddress, StringValues forwardedFor)
    {
        if (remoteIpAddress is null)
        {
            return UnknownAddress;
        }

        var client = Canonical(remoteIpAddress);
        if (_trusted.Length == 0 || StringValues.IsNullOrEmpty(forwardedFor) || !IsTrusted(client))
        {
            return client.ToString();
        }

        // Several X-Forwarded-For headers are one list in order (RFC 9110 §5.3); the last entry is the nearest hop.
        var entries = string.Join(',', forwardedFor.ToArray()).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var hops = 0;
        for (var i = entries.Length - 1; i >= 0 && hops < MaxHops; i--, hops++)
        {
            if (!TryParseForwardedAddress(entries[i], out var hop))
            {
                // An entry that is not an address ("unknown", an obfuscated id, garbage): the chain can't be
                // followed past it, so the last hop known for certain is recorded.
                return client.ToString();
            }

            client = hop;
            if (!IsTrusted(hop))
            {
                return hop.ToString();
            }
        }

        // Every hop examined was a trusted proxy: the leftmost one is as far as the chain goes.
        return client.ToString();
    }

    private static bool TryParseForwardedAddress(string entry, out IPAddress address)
    {
        if (IPAddress.TryParse(entry, out var parsed) || (IPEndPoint.TryParse(entry, out var endpoint) && (parsed = endpoint.Address) is not null))
        {
            address = Canonical(parsed);
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

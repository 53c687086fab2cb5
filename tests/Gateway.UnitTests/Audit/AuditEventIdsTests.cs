using System.Globalization;
using Gateway.Audit;

namespace Gateway.UnitTests.Audit;

public sealed class AuditEventIdsTests
{
    [Fact]
    public void CreateVersion7_IsAnRfc9562Version7UuidCarryingTheMillisecond()
    {
        var at = DateTimeOffset.Parse("2026-12-06T02:30:15.123Z", CultureInfo.InvariantCulture);

        var id = AuditEventIds.CreateVersion7(at);
        var reference = Guid.CreateVersion7(at);

        Assert.Equal(7, id.Version);
        // The RFC variant: the top two bits of octet 8 are 10 (Guid.Variant is that octet's top nibble, 8 to B).
        Assert.Equal(0b10, id.Variant >> 2);
        Assert.Equal(reference.Variant >> 2, id.Variant >> 2);
        // The first 48 bits are the Unix milliseconds, as in the runtime's own version 7 ids.
        Assert.Equal(reference.ToString("N")[..12], id.ToString("N")[..12]);
        Assert.Equal(at.ToUnixTimeMilliseconds(), long.Parse(id.ToString("N")[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CreateVersion7_ManyIdsOnManyThreads_AreDistinctAndRandomAcrossBlocks()
    {
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var perThread = AuditEventIds.IdsPerBlock * 20;

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, perThread).Select(_ => AuditEventIds.CreateVersion7(at)).ToArray(), TestContext.Current.CancellationToken)));
        var ids = batches.SelectMany(static b => b).ToArray();

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, static id => Assert.Equal(7, id.Version));
        // Same millisecond, so only the 74 random bits differ: every one of them must vary somewhere.
        var varying = new byte[16];
        var first = ids[0].ToByteArray(bigEndian: true);
        foreach (var id in ids)
        {
            var octets = id.ToByteArray(bigEndian: true);
            for (var i = 0; i < 16; i++)
            {
                varying[i] |= (byte)(octets[i] ^ first[i]);
            }
        }

        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0x0F, 0xFF, 0x3F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, varying);
    }

    [Fact]
    public void CreateVersion7_BeforeTheUnixEpoch_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditEventIds.CreateVersion7(DateTimeOffset.UnixEpoch.AddMilliseconds(-1)));
}

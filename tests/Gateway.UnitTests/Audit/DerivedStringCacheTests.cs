using Gateway.Audit;

namespace Gateway.UnitTests.Audit;

public sealed class DerivedStringCacheTests
{
    [Fact]
    public void Get_RepeatedValue_DerivesOnce()
    {
        var derivations = 0;
        var cache = new DerivedStringCache(4, value => { derivations++; return value.ToUpperInvariant(); });

        var first = cache.Get("session-a");
        var second = cache.Get("session-a");

        Assert.Equal("SESSION-A", first);
        Assert.Same(first, second);
        Assert.Equal(1, derivations);
    }

    [Fact]
    public void Get_MoreDistinctValuesThanCapacity_StartsOverInsteadOfGrowing()
    {
        var derived = new List<string>();
        var cache = new DerivedStringCache(3, value => { derived.Add(value); return value + "!"; });

        foreach (var value in new[] { "a", "b", "c", "d", "a" })
        {
            Assert.Equal(value + "!", cache.Get(value));
        }

        // "d" was the fourth distinct value: the cache started over with it, so "a" is derived again.
        Assert.Equal(["a", "b", "c", "d", "a"], derived);
    }

    [Fact]
    public void Get_ValueLongerThanTheLimit_IsDerivedEachTimeAndNotHeld()
    {
        var derivations = 0;
        var cache = new DerivedStringCache(4, value => { derivations++; return value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture); });
        var huge = new string('x', DerivedStringCache.MaxKeyLength + 1);

        Assert.Equal("513", cache.Get(huge));
        Assert.Equal("513", cache.Get(huge));

        Assert.Equal(2, derivations);
    }
}

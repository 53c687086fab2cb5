using System.Collections.Concurrent;

namespace Gateway.Audit;

/// <summary>
/// Remembers a string derived from another (a session id's hash, a scrubbed User-Agent) for the values
/// that repeat from message to message, so the derivation runs once per value rather than once per
/// record. Bounded: when <paramref name="capacity"/> values are held it starts over, and values longer
/// than <see cref="MaxKeyLength"/> are derived every time, so a client sending a fresh or huge value each
/// time costs a derivation per record, as without the cache, and the cache stays under about
/// <c>capacity × 3 KB</c> whatever clients send.
/// </summary>
internal sealed class DerivedStringCache(int capacity, Func<string, string> derive)
{
    public const int MaxKeyLength = 512;

    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private int _count;

    public string Get(string key)
    {
        if (key.Length > MaxKeyLength)
        {
            return derive(key);
        }

        if (_values.TryGetValue(key, out var value))
        {
            return value;
        }

        value = derive(key);
        if (Interlocked.Increment(ref _count) > capacity)
        {
            // Counted, not ConcurrentDictionary.Count, which takes every lock; a race clears twice at worst.
            _values.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _values.TryAdd(key, value);
        return value;
    }
}

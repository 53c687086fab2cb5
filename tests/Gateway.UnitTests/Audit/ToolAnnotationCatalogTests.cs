using Gateway.Audit;
using Gateway.Inspection;

namespace Gateway.UnitTests.Audit;

public sealed class ToolAnnotationCatalogTests
{
    [Fact]
    public void ReadOnlyHint_OfAToolNoListDeclared_IsUnknown()
    {
        var catalog = new ToolAnnotationCatalog();
        catalog.Learn(Tools(("soqlQuery", true)));

        Assert.Null(catalog.ReadOnlyHint("createRecord"));
        Assert.Null(catalog.ReadOnlyHint(null));
    }

    [Fact]
    public void Learn_KeepsEachToolsHint_AndALaterListReplacesIt()
    {
        var catalog = new ToolAnnotationCatalog();

        catalog.Learn(Tools(("soqlQuery", true), ("createRecord", false)));
        Assert.True(catalog.ReadOnlyHint("soqlQuery"));
        Assert.False(catalog.ReadOnlyHint("createRecord"));

        catalog.Learn(Tools(("soqlQuery", false)));
        Assert.False(catalog.ReadOnlyHint("soqlQuery"));
        Assert.False(catalog.ReadOnlyHint("createRecord"));
    }

    [Fact]
    public void Learn_PastTheCapacity_LeavesNewNamesUnknown_ButStillUpdatesKnownOnes()
    {
        var catalog = new ToolAnnotationCatalog();
        LearnReadOnlyTools(catalog, ToolAnnotationCatalog.Capacity + 10);

        catalog.Learn(Tools(("tool0", false)));

        Assert.True(catalog.ReadOnlyHint($"tool{ToolAnnotationCatalog.Capacity - 1}"));
        Assert.Null(catalog.ReadOnlyHint($"tool{ToolAnnotationCatalog.Capacity}"));
        Assert.False(catalog.ReadOnlyHint("tool0"));
    }

    [Fact]
    public void Forget_MakesEveryToolUnknown_UntilTheNextList_WithTheWholeCapacityFree()
    {
        var catalog = new ToolAnnotationCatalog();
        LearnReadOnlyTools(catalog, ToolAnnotationCatalog.Capacity);

        catalog.Forget();
        Assert.Null(catalog.ReadOnlyHint("tool0"));

        catalog.Learn(Tools(("newTool", true)));
        Assert.True(catalog.ReadOnlyHint("newTool"));
        Assert.Null(catalog.ReadOnlyHint("tool1"));
    }

    /// <summary>Declares tool0, tool1, … read-only, in lists of at most <see cref="DeclaredTools.Capacity"/>.</summary>
    private static void LearnReadOnlyTools(ToolAnnotationCatalog catalog, int count)
    {
        var names = Enumerable.Range(0, count).Select(static i => $"tool{i}");
        foreach (var chunk in names.Chunk(DeclaredTools.Capacity))
        {
            catalog.Learn(new DeclaredTools(chunk.Select(static n => new DeclaredTool(n, true))));
        }
    }

    private static DeclaredTools Tools(params (string Name, bool ReadOnlyHint)[] tools) =>
        new(tools.Select(static t => new DeclaredTool(t.Name, t.ReadOnlyHint)));
}

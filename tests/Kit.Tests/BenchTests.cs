using Kit.Benchmarks;
using Xunit;

namespace Kit.Tests;

public sealed class BenchTests
{
    [Fact]
    public void The_eager_gauss_Hessian_is_skipped_where_its_estimated_memory_would_not_fit()
    {
        // At 100 000 × 100 000 pixels the estimate (from a measured 200 × 200 run) is far over 8 GiB: skipped, not run.
        Assert.False(BenchCommand.FitsInMemory(100_000));
        // At the probe's own size it is simply run.
        Assert.True(BenchCommand.FitsInMemory(200));
    }
}

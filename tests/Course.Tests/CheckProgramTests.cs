using Adjoint;
using Course;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Course.Tests;

public class CheckProgramTests
{
    private static Tensor F(Tensor x) => Sum(Pow(x, 2) - Pow(x, 3) - x);

    private static readonly (string Name, Func<Func<Tensor, Tensor>, Func<Tensor, Tensor>> Compose)[] Orderings =
    [
        ("fwd∘fwd", h => JacFwd(JacFwd(h))), ("rev∘rev", h => JacRev(JacRev(h))),
        ("rev∘fwd", h => JacRev(JacFwd(h))), ("fwd∘rev", h => JacFwd(JacRev(h))),
    ];

    [Fact]
    public void TheFourOrderingsAreToldApartThoughTheirValuesAgree()
    {
        var x = Array(1.0, 0.0);
        foreach (var (name, compose) in Orderings)
            foreach (var (other, otherCompose) in Orderings)
            {
                Assert.Equal(compose(F)(x).ToArray(), otherCompose(F)(x).ToArray());
                if (name == other) Check.SameProgram(compose(F), otherCompose(F), x, name);
                else
                {
                    var error = Assert.Throws<CheckFailedException>(() => Check.SameProgram(compose(F), otherCompose(F), x, name));
                    Assert.Contains("not in the expected way", error.Message);
                }
            }
    }

    [Fact]
    public void AWrappingLambdaIsTheSameProgram() =>
        Check.SameProgram(x => JacFwd(JacRev(F))(x), JacFwd(JacRev(F)), Array(1.0, 0.0), "a lambda around JacFwd(JacRev(f))");
}

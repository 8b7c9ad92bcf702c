namespace Adjoint;

internal sealed partial class FusedLoop
{
    /// <summary>Polynomials with more terms than this are not expanded (the node is computed as it is).</summary>
    private const int MaximumTerms = 24;

    /// <summary>coefficient · atoms[0] · atoms[1] · …: the coefficient a node that does not vary over the pixels, the atoms ascending.</summary>
    private sealed class Term(int[] atoms, int coefficient)
    {
        public int[] Atoms { get; } = atoms;
        public int Coefficient { get; set; } = coefficient;
        public string Key { get; } = string.Join(",", atoms);
    }

    /// <summary>A sum of terms in the atoms: the varying values that the loop computes as they are (calls, loads, sums read more than once).</summary>
    private sealed class Polynomial
    {
        public Dictionary<string, Term> Terms { get; } = [];

        public Polynomial(params Term[] terms)
        {
            foreach (var t in terms) Terms[t.Key] = t;
        }
    }

    /// <summary>
    /// Forward mode over reverse mode pushes every tangent direction through the same chain of multiplications and
    /// additions: tⱼ' = a·(b·tⱼ) − c·(d·(b·tⱼ)) + …, with a, b, c, d the same for every direction j. Expanding each
    /// such chain into a polynomial in the atoms and factoring out the atom read least (tⱼ, its direction's own)
    /// gives tⱼ' = tⱼ·(a·b − c·d·b) + …, whose cofactor is one node shared by all directions: a multiplication per
    /// direction instead of a chain. A product is seen through (its factors, not the product, are the atoms) and y·(1/y)
    /// cancels, as the chain rule of a logarithm or a quotient multiplies by a value and by its reciprocal. Each change
    /// is the distributive or associative law or that cancellation (results change by roundings; y·(1/y) is 1 even where
    /// y is 0 or infinite, as for symbolic zeros). Measured on the Gaussian Hessian: 290 → 226 vector operations per
    /// 8 pixels; in one process, alternating runs, the loop 13–18% faster than without.
    /// </summary>
    private void Factor()
    {
        var live = LiveNodes();
        var uses = UseCounts(live);
        // The values computed as they are: the sums' and outputs' terms and the operands of anything not arithmetic.
        var roots = new HashSet<int>();
        foreach (var a in accumulations) roots.Add(a.Node);
        foreach (var s in stores) roots.Add(s.Node);
        foreach (int id in live)
            if (!IsArithmetic(id)) foreach (int a in nodes[id].Args) roots.Add(a);

        int count = nodes.Count;
        var map = new int[count]; // old node → the node that now computes it
        for (int i = 0; i < count; i++) map[i] = i;
        var readsOfNew = new Dictionary<int, int>(); // a node built for an old one is read as often
        var expanded = new Dictionary<int, Polynomial>();
        int one = Constant(1);

        foreach (int id in live)
        {
            if (!nodes[id].Varies || nodes[id].Kind != Kind.Operation) continue;
            var op = nodes[id].Op!;
            var args = nodes[id].Args;
            if (!IsArithmetic(id)) map[id] = Operation(op, [.. args.Select(a => map[a])]);
            else if (Expand(op.Code, args) is { } p)
            {
                expanded[id] = p;
                if (roots.Contains(id) || uses[id] >= 2) map[id] = Built(p);
            }
            else map[id] = Operation(op, [.. args.Select(a => Built(View(a)))]); // too large: as it is
            readsOfNew[map[id]] = Math.Max(readsOfNew.GetValueOrDefault(map[id]), uses[id]);
        }
        for (int i = 0; i < accumulations.Count; i++) accumulations[i] = accumulations[i] with { Node = map[accumulations[i].Node] };
        for (int i = 0; i < stores.Count; i++) stores[i] = stores[i] with { Node = map[stores[i].Node] };

        // A value as an expression that reads it sees it: the polynomial of a node read once or of a product, else the
        // node as an atom (1/y as the atom ~y, so that y·(1/y) cancels).
        Polynomial View(int old) =>
            expanded.TryGetValue(old, out var p) && !roots.Contains(old) && (uses[old] < 2 || p.Terms.Count == 1) ? p
            : nodes[map[old]].Varies ? new Polynomial(new Term([Atom(map[old])], one)) : new Polynomial(new Term([], map[old]));

        int Atom(int node) => IsReciprocal(node, out int y) && nodes[y].Varies ? ~y : node;
        int NodeOf(int atom) => atom >= 0 ? atom : Operation(Div, one, ~atom);
        int Reads(int atom) => NodeOf(atom) is int node && readsOfNew.TryGetValue(node, out int n) ? n : node < count ? uses[node] : 1;

        Polynomial? Expand(LaneCode code, int[] args) => code switch
        {
            LaneCode.Add => Sum(View(args[0]), View(args[1]), negate: false),
            LaneCode.Sub => Sum(View(args[0]), View(args[1]), negate: true),
            LaneCode.Neg => Sum(new Polynomial(), View(args[0]), negate: true),
            _ => Product(View(args[0]), View(args[1])),
        };

        Polynomial? Sum(Polynomial a, Polynomial b, bool negate)
        {
            var result = new Polynomial([.. a.Terms.Values]);
            foreach (var t in b.Terms.Values) AddTerm(result, t.Atoms, negate ? Operation(Neg, t.Coefficient) : t.Coefficient);
            return result.Terms.Count <= MaximumTerms ? result : null;
        }

        Polynomial? Product(Polynomial a, Polynomial b)
        {
            if (a.Terms.Count * b.Terms.Count > MaximumTerms) return null;
            var result = new Polynomial();
            foreach (var x in a.Terms.Values)
                foreach (var y in b.Terms.Values)
                    AddTerm(result, Cancelled(x.Atoms, y.Atoms), Operation(Mul, x.Coefficient, y.Coefficient));
            return result;
        }

        // The atoms of a product: y and ~y cancel (y·(1/y) = 1 within a rounding where y is finite and not 0).
        int[] Cancelled(int[] a, int[] b)
        {
            var atoms = a.Concat(b).ToList();
            for (int i = atoms.Count - 1; i >= 0; i--)
                if (i < atoms.Count && atoms.IndexOf(~atoms[i]) is int j && j >= 0) { atoms.RemoveAt(Math.Max(i, j)); atoms.RemoveAt(Math.Min(i, j)); }
            return [.. atoms.Order()];
        }

        void AddTerm(Polynomial p, int[] atoms, int coefficient)
        {
            var term = new Term(atoms, coefficient);
            if (p.Terms.TryGetValue(term.Key, out var like)) p.Terms[term.Key] = new Term(atoms, Operation(Add, like.Coefficient, coefficient));
            else p.Terms[term.Key] = term;
        }

        // Horner's scheme in the atom read least (a tangent direction's own, most likely): p = a·(p / a) + (the terms without a).
        int Built(Polynomial p)
        {
            var terms = p.Terms.Values.Where(t => !Is(t.Coefficient, 0)).ToList();
            if (terms.Count == 0) return Constant(0);
            if (terms.Count == 1) return Monomial(terms[0]);
            int atom = terms.SelectMany(t => t.Atoms).Distinct().OrderBy(Reads).ThenByDescending(a => a).First(); // at most one term has no atom
            var with = new Polynomial();
            var without = new Polynomial();
            foreach (var t in terms)
            {
                int at = Array.IndexOf(t.Atoms, atom);
                if (at < 0) without.Terms[t.Key] = t;
                else AddTerm(with, [.. t.Atoms[..at], .. t.Atoms[(at + 1)..]], t.Coefficient);
            }
            int factored = Operation(Mul, NodeOf(atom), Built(with));
            return without.Terms.Count == 0 ? factored : Operation(Add, factored, Built(without));
        }

        // The atoms multiplied, those read most first (so that products share their beginnings), then the coefficient.
        int Monomial(Term t)
        {
            int product = -1;
            foreach (int a in t.Atoms.OrderByDescending(Reads).ThenBy(a => a))
                product = product < 0 ? NodeOf(a) : Operation(Mul, product, NodeOf(a));
            return product < 0 ? t.Coefficient : Operation(Mul, t.Coefficient, product);
        }
    }

    /// <summary>A varying addition, subtraction, negation or multiplication: what a polynomial expands.</summary>
    private bool IsArithmetic(int node) =>
        nodes[node].Varies && nodes[node].Op?.Code is LaneCode.Add or LaneCode.Sub or LaneCode.Neg or LaneCode.Mul;
}

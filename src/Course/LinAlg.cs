namespace Course;

/// <summary>Small dense linear algebra on double[] / double[,] (the 6×6 systems of the course).</summary>
public static class LinAlg
{
    /// <summary>
    /// Cholesky factor L (lower triangular, A = L·Lᵀ) of a symmetric matrix, or null when A is not
    /// positive definite: when a pivot L_jj² is not above <paramref name="minPivot"/>.
    /// </summary>
    public static double[,]? Cholesky(double[,] a, double minPivot = 0.0)
    {
        int n = CheckSquare(a);
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double d = a[j, j];
            for (int k = 0; k < j; k++) d -= l[j, k] * l[j, k];
            if (!(d > minPivot)) return null; // also catches NaN
            l[j, j] = Math.Sqrt(d);
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                l[i, j] = s / l[j, j];
            }
        }
        return l;
    }

    /// <summary>Solves A·x = b given the Cholesky factor L of A: forward then back substitution.</summary>
    public static double[] CholeskySolve(double[,] l, IReadOnlyList<double> b)
    {
        int n = CheckSquare(l);
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i, k] * y[k];
            y[i] = s / l[i, i];
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k, i] * x[k];
            x[i] = s / l[i, i];
        }
        return x;
    }

    /// <summary>Solves A·x = b for a general square A by Gaussian elimination with partial pivoting.</summary>
    public static double[] Solve(double[,] a, IReadOnlyList<double> b)
    {
        int n = CheckSquare(a);
        var rhs = new double[n, 1];
        for (int i = 0; i < n; i++) rhs[i, 0] = b[i];
        var x = SolveMany(a, rhs);
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = x[i, 0];
        return r;
    }

    /// <summary>A⁻¹ by Gaussian elimination with partial pivoting (throws if A is singular).</summary>
    public static double[,] Inverse(double[,] a) => SolveMany(a, Identity(CheckSquare(a)));

    /// <summary>The n×n identity.</summary>
    public static double[,] Identity(int n)
    {
        var id = new double[n, n];
        for (int i = 0; i < n; i++) id[i, i] = 1.0;
        return id;
    }

    /// <summary>Matrix–vector product A·x.</summary>
    public static double[] Multiply(double[,] a, IReadOnlyList<double> x)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) y[i] += a[i, j] * x[j];
        return y;
    }

    /// <summary>Dot product xᵀy.</summary>
    public static double Dot(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Count; i++) s += x[i] * y[i];
        return s;
    }

    /// <summary>Euclidean norm ‖x‖.</summary>
    public static double Norm(IReadOnlyList<double> x) => Math.Sqrt(Dot(x, x));

    /// <summary>
    /// Cramér–Rao standard errors: √diag(H⁻¹) for the Hessian H of a negative log-likelihood at its
    /// optimum (H is the observed Fisher information; its inverse bounds the covariance).
    /// </summary>
    public static double[] StandardErrors(double[,] hessian)
    {
        var cov = Inverse(hessian);
        var se = new double[cov.GetLength(0)];
        for (int i = 0; i < se.Length; i++) se[i] = Math.Sqrt(cov[i, i]);
        return se;
    }

    /// <summary>Solves A·X = B (B is overwritten on a copy) with partial pivoting.</summary>
    private static double[,] SolveMany(double[,] a, double[,] b)
    {
        int n = CheckSquare(a), m = b.GetLength(1);
        var lu = (double[,])a.Clone();
        var x = (double[,])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(lu[r, col]) > Math.Abs(lu[pivot, col])) pivot = r;
            if (lu[pivot, col] == 0 || double.IsNaN(lu[pivot, col])) throw new InvalidOperationException("matrix is singular");
            SwapRows(lu, col, pivot);
            SwapRows(x, col, pivot);
            for (int r = col + 1; r < n; r++)
            {
                double f = lu[r, col] / lu[col, col];
                if (f == 0) continue;
                for (int c = col; c < n; c++) lu[r, c] -= f * lu[col, c];
                for (int c = 0; c < m; c++) x[r, c] -= f * x[col, c];
            }
        }
        for (int r = n - 1; r >= 0; r--)
            for (int c = 0; c < m; c++)
            {
                double s = x[r, c];
                for (int k = r + 1; k < n; k++) s -= lu[r, k] * x[k, c];
                x[r, c] = s / lu[r, r];
            }
        return x;
    }

    private static void SwapRows(double[,] a, int i, int j)
    {
        if (i == j) return;
        for (int c = 0; c < a.GetLength(1); c++) (a[i, c], a[j, c]) = (a[j, c], a[i, c]);
    }

    private static int CheckSquare(double[,] a)
    {
        if (a.GetLength(0) != a.GetLength(1)) throw new ArgumentException("matrix must be square", nameof(a));
        return a.GetLength(0);
    }
}

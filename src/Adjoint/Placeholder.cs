namespace Adjoint; public static class Placeholder {}

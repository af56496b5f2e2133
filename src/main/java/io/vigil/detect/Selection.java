package io.vigil.detect;

/**
 * Order statistics of a prefix of an array, in expected O(n) with quickselect. The input prefix is
 * reordered; callers pass scratch copies.
 */
public final class Selection {

    private Selection() {}

    /** Median of a[0, n), reordering a. */
    public static double median(double[] a, int n) {
        if (n <= 0) {
            return Double.NaN;
        }
        int mid = n >>> 1;
        double hi = select(a, 0, n - 1, mid);
        if ((n & 1) == 1) {
            return hi;
        }
        double lo = a[0];
        for (int i = 1; i < mid; i++) {
            if (a[i] > lo) {
                lo = a[i];
            }
        }
        return 0.5 * (lo + hi);
    }

    /** The k-th smallest (0-based) of a[from..to], reordering that range. */
    public static double select(double[] a, int from, int to, int k) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            double pivot = medianOf3(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static double medianOf3(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}

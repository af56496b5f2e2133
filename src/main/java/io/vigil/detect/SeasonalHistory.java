package io.vigil.detect;

/**
 * A field detector that remembers the series' recent seasonal cycles and can say what the same
 * phase looked like in earlier periods: the source of the seed text's correction rule (replace an
 * anomalous December by the mean of earlier Decembers).
 *
 * @param <S> the detector's state
 */
public interface SeasonalHistory<S extends DetectorState> {

    /**
     * The mean of the values at the newest point's phase in the earlier periods held in the state
     * (excluding the newest point itself), or NaN when the period is unknown or no earlier period is
     * held.
     */
    double samePhaseMean(S state);

    /**
     * How a user names the phase of a point at {@code ts} ("December", "Tuesday", "14:00"), when
     * the period and sampling interval make one obvious (monthly data with period 12, daily with 7,
     * hourly with 24); empty otherwise.
     */
    String phaseLabel(S state, long ts);
}

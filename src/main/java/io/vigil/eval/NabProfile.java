package io.vigil.eval;

import java.util.List;

/**
 * A NAB application profile: the weights of its cost matrix.
 *
 * <p>The three published profiles are those of NAB's {@code config/profiles.json}. That file also
 * lists {@code tnWeight: 1.0}, but neither {@code nab/scorer.py} nor {@code nab/sweeper.py} reads
 * it: true negatives contribute nothing to a NAB score, so the weight is not modelled here.
 *
 * @param name profile name as NAB spells it (used as the key in result maps)
 * @param tpWeight weight of the credit for a detected window
 * @param fpWeight weight of the penalty for a false-positive alert
 * @param fnWeight penalty for a window with no detection
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

  /** NAB "standard": tp 1.0, fp 0.11, fn 1.0. */
  public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);

  /** NAB "reward_low_FP_rate": tp 1.0, fp 0.22, fn 1.0. */
  public static final NabProfile REWARD_LOW_FP_RATE =
      new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);

  /** NAB "reward_low_FN_rate": tp 1.0, fp 0.11, fn 2.0. */
  public static final NabProfile REWARD_LOW_FN_RATE =
      new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);

  /** The three published profiles, in NAB's order. */
  public static final List<NabProfile> ALL =
      List.of(STANDARD, REWARD_LOW_FP_RATE, REWARD_LOW_FN_RATE);

  /** Validates the weights. */
  public NabProfile {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("NAB profile name must not be blank");
    }
    if (!(tpWeight > 0) || !(fpWeight >= 0) || !(fnWeight >= 0)
        || Double.isInfinite(tpWeight) || Double.isInfinite(fpWeight)
        || Double.isInfinite(fnWeight)) {
      throw new IllegalArgumentException(
          "NAB profile " + name + ": need finite tpWeight > 0, fpWeight >= 0, fnWeight >= 0, got "
              + tpWeight + ", " + fpWeight + ", " + fnWeight);
    }
  }
}

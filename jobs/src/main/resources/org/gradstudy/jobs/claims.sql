-- claims: the seven textbook claims, each with the evidence rows of this study's data that bear on it and
-- a verdict. Views: technique_effects, technique_depth, trial_metrics.
-- An evidence row supports (true), refutes (false) or is inconclusive (null). Rules:
--  * matched-pair effects: the 95% bootstrap interval lies on the claimed side of 0 (supports) or on the
--    other side (refutes); "does not fix" claims need the interval inside +-0.5 decades; fewer than 3
--    pairs is inconclusive;
--  * rates of technique_depth: at least half the trials (symmetry: all of them);
--  * init comparisons: the claimed init's median |log10 attenuation| is the smallest of the inits tried.
-- Verdict: no decisive row = not enough data; >= 75% of the decisive rows support = supported;
-- <= 25% = refuted; otherwise mixed. "Deep" means depth >= 8.
WITH claim_list AS (
  SELECT * FROM VALUES
    (1, 'Sigmoid and tanh networks vanish as depth grows; relu-family activations much less.'),
    (2, 'Xavier/Glorot init suits tanh and sigmoid, He suits relu, lecun-normal with standardized input suits selu.'),
    (3, 'Small random init vanishes, large random init explodes, zero init never breaks symmetry.'),
    (4, 'Batch normalization helps against both vanishing and exploding gradients.'),
    (5, 'Residual connections keep gradients alive in very deep networks.'),
    (6, 'Gradient clipping prevents exploding updates and divergence, but does not fix vanishing.'),
    (7, 'L2 weight decay and lower learning rates reduce exploding gradients and divergence.')
  AS c(claim, statement)
),
effect_evidence AS (
  -- (claim, axis, value filter, baseline filter, metric, expected sign; 0 = "no real change")
  SELECT e.study, r.claim, CAST(NULL AS STRING) AS scope, e.axis, e.value, e.baseline, e.depth, r.metric,
         CASE r.metric WHEN 'd_log10_atten_init' THEN e.d_log10_atten_init_median
                       WHEN 'd_abs_log10_atten_init' THEN e.d_abs_log10_atten_init_median
                       WHEN 'd_abs_log10_atten_train' THEN e.d_abs_log10_atten_train_median
                       WHEN 'd_diverged_rate' THEN e.d_diverged_rate END AS estimate,
         CASE r.metric WHEN 'd_log10_atten_init' THEN e.d_log10_atten_init_low
                       WHEN 'd_abs_log10_atten_init' THEN e.d_abs_log10_atten_init_low
                       WHEN 'd_abs_log10_atten_train' THEN e.d_abs_log10_atten_train_low
                       WHEN 'd_diverged_rate' THEN e.d_diverged_rate_low END AS low,
         CASE r.metric WHEN 'd_log10_atten_init' THEN e.d_log10_atten_init_high
                       WHEN 'd_abs_log10_atten_init' THEN e.d_abs_log10_atten_init_high
                       WHEN 'd_abs_log10_atten_train' THEN e.d_abs_log10_atten_train_high
                       WHEN 'd_diverged_rate' THEN e.d_diverged_rate_high END AS high,
         e.pairs AS n, r.expected
  FROM technique_effects e
  JOIN (SELECT * FROM VALUES
          (1, 'activation', 'd_log10_atten_init', 1),
          (4, 'normalization', 'd_abs_log10_atten_train', -1),
          (4, 'normalization', 'd_diverged_rate', -1),
          (5, 'residual_every', 'd_abs_log10_atten_init', -1),
          (5, 'residual_every', 'd_abs_log10_atten_train', -1),
          (6, 'clipping', 'd_diverged_rate', -1),
          (6, 'clipping', 'd_abs_log10_atten_train', 0),
          (7, 'l2', 'd_diverged_rate', -1),
          (7, 'learning_rate', 'd_diverged_rate', 1)
        AS r(claim, axis, metric, expected)) r
    ON e.axis = r.axis
  WHERE (r.claim <> 1 OR (e.baseline IN ('sigmoid', 'tanh') AND e.value IN ('relu', 'leaky-relu', 'prelu', 'rrelu', 'elu') AND e.depth >= 8))
    AND (r.claim <> 4 OR e.baseline = 'none')
    AND (r.claim <> 5 OR (e.baseline = '0' AND e.depth >= 8))
    AND (r.claim <> 6 OR e.baseline = 'none')
    AND (r.claim <> 7 OR r.axis <> 'l2' OR CAST(e.baseline AS DOUBLE) = 0)
),
effect_rows AS (
  SELECT study, claim, scope, axis, value, baseline, depth, metric, estimate, low, high, n,
         CASE WHEN n < 3 OR low IS NULL THEN NULL
              WHEN expected = 1 THEN CASE WHEN low > 0 THEN true WHEN high < 0 THEN false END
              WHEN expected = -1 THEN CASE WHEN high < 0 THEN true WHEN low > 0 THEN false END
              ELSE CASE WHEN low >= -0.5 AND high <= 0.5 THEN true WHEN high < -0.5 OR low > 0.5 THEN false END
         END AS supports,
         concat(axis, ' ', value, ' vs ', baseline, ' at depth ', depth, ': ', metric, ' ',
                format_string('%.3g [%.3g, %.3g]', estimate, low, high), ' over ', n, ' pairs',
                CASE expected WHEN 1 THEN ' (claim: > 0)' WHEN -1 THEN ' (claim: < 0)' ELSE ' (claim: within +-0.5)' END) AS evidence
  FROM effect_evidence
),
deepest AS (
  SELECT study, value, max(depth) AS depth FROM technique_depth
  WHERE axis = 'activation' AND value IN ('sigmoid', 'tanh') AND depth >= 3 GROUP BY study, value
),
claim1_depth AS (
  SELECT d.study, 1 AS claim, CAST(NULL AS STRING) AS scope, d.axis, d.value, CAST(NULL AS STRING) AS baseline, d.depth,
         'b_log10_atten_init_median' AS metric, d.b_log10_atten_init_median AS estimate,
         d.b_log10_atten_init_p10 AS low, d.b_log10_atten_init_p90 AS high, d.trials AS n,
         d.b_log10_atten_init_median < d.vanishing_log10 AS supports,
         concat(d.value, ' at depth ', d.depth, ' (deepest): median log10 attenuation at init ',
                format_string('%.3g [p10 %.3g, p90 %.3g]', d.b_log10_atten_init_median, d.b_log10_atten_init_p10, d.b_log10_atten_init_p90),
                ' over ', d.trials, ' trials (claim: below the vanishing threshold ', d.vanishing_log10, ')') AS evidence
  FROM technique_depth d JOIN deepest x ON d.study = x.study AND d.value = x.value AND d.depth = x.depth
  WHERE d.axis = 'activation'
),
claim2_inits AS (
  SELECT study, activation, depth, init, percentile(abs(b_log10_atten_init), 0.5) AS m, count(*) AS n,
         CASE WHEN activation IN ('sigmoid', 'tanh') THEN init IN ('xavier-normal', 'xavier-uniform')
              WHEN activation = 'relu' THEN init IN ('he-normal', 'he-uniform')
              WHEN activation = 'selu' THEN init = 'lecun-normal' END AS claimed
  FROM trial_metrics
  WHERE b_log10_atten_init IS NOT NULL AND depth >= 3 AND normalization = 'none' AND residual_every = 0
    AND activation IN ('sigmoid', 'tanh', 'relu', 'selu') AND (activation <> 'selu' OR input = 'standardized')
  GROUP BY study, activation, depth, init
),
claim2_best AS (
  SELECT study, activation, depth,
         min(m) FILTER (WHERE claimed) AS claimed_m, min_by(init, m) FILTER (WHERE claimed) AS claimed_init,
         min(n) FILTER (WHERE claimed) AS claimed_n,
         min(m) FILTER (WHERE NOT claimed) AS other_m, min_by(init, m) FILTER (WHERE NOT claimed) AS other_init,
         min(n) FILTER (WHERE NOT claimed) AS other_n
  FROM claim2_inits GROUP BY study, activation, depth
),
claim2_rows AS (
  SELECT study, 2 AS claim, concat('activation = ', activation) AS scope, 'init' AS axis, claimed_init AS value,
         other_init AS baseline, depth, 'median |b_log10_atten_init|, claimed minus best other init' AS metric,
         claimed_m - other_m AS estimate, claimed_m AS low, other_m AS high, least(claimed_n, other_n) AS n,
         CASE WHEN least(claimed_n, other_n) >= 2 THEN claimed_m <= other_m END AS supports,
         concat(activation, ' at depth ', depth, ': median |log10 attenuation| at init ', format_string('%.3g', claimed_m),
                ' with ', claimed_init, ' vs ', format_string('%.3g', other_m), ' with ', other_init,
                ' (claim: the claimed init is closest to 0)') AS evidence
  FROM claim2_best WHERE claimed_m IS NOT NULL AND other_m IS NOT NULL
),
claim3_rows AS (
  SELECT study, 3 AS claim, CAST(NULL AS STRING) AS scope, axis, value, CAST(NULL AS STRING) AS baseline, depth,
         CASE value WHEN 'small-normal' THEN 'vanishing_rate' WHEN 'large-normal' THEN 'exploding_rate' ELSE 'symmetric_rate' END AS metric,
         CASE value WHEN 'small-normal' THEN vanishing_rate WHEN 'large-normal' THEN exploding_rate ELSE symmetric_rate END AS estimate,
         CAST(NULL AS DOUBLE) AS low, CAST(NULL AS DOUBLE) AS high, trials AS n,
         CASE value WHEN 'small-normal' THEN vanishing_rate >= 0.5 WHEN 'large-normal' THEN exploding_rate >= 0.5
                    ELSE symmetric_rate = 1 END AS supports,
         concat(value, ' at depth ', depth, ': ',
                CASE value WHEN 'small-normal' THEN 'vanishing' WHEN 'large-normal' THEN 'exploding' ELSE 'symmetric (unbroken)' END,
                ' in ', format_string('%.0f%%', 100 * CASE value WHEN 'small-normal' THEN vanishing_rate
                    WHEN 'large-normal' THEN exploding_rate ELSE symmetric_rate END), ' of ', trials, ' trials',
                CASE value WHEN 'zero' THEN ' (claim: all)' ELSE ' (claim: at least half)' END) AS evidence
  FROM technique_depth
  WHERE axis = 'init' AND value IN ('small-normal', 'large-normal', 'zero') AND depth >= 3
    AND CASE value WHEN 'small-normal' THEN vanishing_rate WHEN 'large-normal' THEN exploding_rate ELSE symmetric_rate END IS NOT NULL
),
evidence AS (
  SELECT * FROM effect_rows
  UNION ALL SELECT * FROM claim1_depth
  UNION ALL SELECT * FROM claim2_rows
  UNION ALL SELECT * FROM claim3_rows
),
studies AS (SELECT DISTINCT study FROM trial_metrics),
tally AS (
  SELECT study, claim, count_if(supports) AS supporting, count_if(NOT supports) AS refuting,
         count_if(supports IS NULL) AS inconclusive
  FROM evidence GROUP BY study, claim
)
SELECT s.study, c.claim, c.statement,
       CASE WHEN coalesce(t.supporting, 0) + coalesce(t.refuting, 0) = 0 THEN 'not enough data'
            WHEN t.supporting >= 0.75 * (t.supporting + t.refuting) THEN 'supported'
            WHEN t.supporting <= 0.25 * (t.supporting + t.refuting) THEN 'refuted'
            ELSE 'mixed' END AS verdict,
       coalesce(t.supporting, 0) AS supporting, coalesce(t.refuting, 0) AS refuting, coalesce(t.inconclusive, 0) AS inconclusive,
       e.scope, e.axis, e.value, e.baseline, e.depth, e.metric, e.estimate, e.low, e.high, e.n, e.supports,
       coalesce(e.evidence, 'no trials of this study bear on this claim: vary the axes it names') AS evidence
FROM studies s
CROSS JOIN claim_list c
LEFT JOIN tally t ON t.study = s.study AND t.claim = c.claim
LEFT JOIN evidence e ON e.study = s.study AND e.claim = c.claim

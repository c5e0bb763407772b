-- Which textbook claims hold on each study's data? One row per study and claim: the verdict, how many
-- evidence rows support or refute it, and the statement (the evidence rows are in the claims table).
-- Columns: study, claim, verdict, supporting, refuting, inconclusive, statement.
SELECT study, claim, max(verdict) AS verdict, max(supporting) AS supporting, max(refuting) AS refuting,
       max(inconclusive) AS inconclusive, max(statement) AS statement
FROM claims
GROUP BY study, claim
ORDER BY study, claim

/**
 * Accuracy of a replay against ground truth, for {@code replay --ground-truth}: detection precision
 * and recall, temperature error and hotspot matching, mask IoU and defect recall. Reads result and
 * truth files; imports nothing else of linewatch.
 */
package io.linewatch.eval;

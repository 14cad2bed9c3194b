package dev.vyre.automata.worklist;

/** A recommendation and the evidence record emitted with it. */
public record WorklistDecision(WorklistRecommendation recommendation, WorklistEvidence evidence) {
}

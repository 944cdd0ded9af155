package io.hoop.broker.policy;

import io.hoop.api.Approval;
import io.hoop.broker.config.GovernanceSection.Stage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a request stands in its approval stages. Pure. Each approval is recorded with the stage it
 * was given in ({@link ApprovalRules#approve} accepts one only from a member of the current stage's
 * groups); a stage is complete when its distinct approvers reach its quorum, and the current stage
 * is the first incomplete one. One person counts once across all stages.
 *
 * @param stages the stages in order
 * @param approvers distinct approvers per stage, in order
 * @param current index of the first incomplete stage; {@code stages.size()} when all are complete
 */
public record ApprovalStages(List<Stage> stages, List<Set<String>> approvers, int current) {
  public ApprovalStages {
    stages = List.copyOf(stages);
    approvers = approvers.stream().map(s -> (Set<String>) new LinkedHashSet<>(s)).toList();
  }

  /**
   * Groups {@code approvals} by the stage each was recorded for: distinct people, never the
   * requester, each counted once (in the first stage they approved in).
   */
  public static ApprovalStages of(List<Stage> stages, List<Approval> approvals, String requester) {
    List<Set<String>> by = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      by.add(new LinkedHashSet<>());
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Approval a : approvals) {
      if (a.approver().equals(requester) || !seen.add(a.approver())) {
        continue;
      }
      // A reload that removed stages leaves later approvals in the last one.
      by.get(Math.min(Math.max(a.stage(), 0), stages.size() - 1)).add(a.approver());
    }
    int current = 0;
    while (current < stages.size() && by.get(current).size() >= stages.get(current).approvals()) {
      current++;
    }
    return new ApprovalStages(stages, by, current);
  }

  /** Whether every stage has its quorum. */
  public boolean complete() {
    return current >= stages.size();
  }

  /** The stage (0-based) in which {@code person} approved, or -1. */
  public int stageOf(String person) {
    for (int i = 0; i < approvers.size(); i++) {
      if (approvers.get(i).contains(person)) {
        return i;
      }
    }
    return -1;
  }

  /** Every distinct approver, in stage order. */
  public Set<String> people() {
    Set<String> all = new LinkedHashSet<>();
    approvers.forEach(all::addAll);
    return all;
  }

  /**
   * Where the request stands, e.g. {@code stage 2 of 2 (security): 0 of 1 approvals}; empty for a
   * complete request.
   */
  public String describe() {
    if (complete()) {
      return "";
    }
    Stage s = stages.get(current);
    return "stage "
        + (current + 1)
        + " of "
        + stages.size()
        + " ("
        + String.join(", ", s.groups())
        + "): "
        + approvers.get(current).size()
        + " of "
        + s.approvals()
        + (s.approvals() == 1 ? " approval" : " approvals");
  }
}

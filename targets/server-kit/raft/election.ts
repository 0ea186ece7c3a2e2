/**
 * Leader election rules (section 5.2 and 5.4.1): the randomized timeout and the
 * vote decision. Pure.
 */

export interface VoterState {
  currentTerm: number
  votedFor: string | null
  lastLogIndex: number
  lastLogTerm: number
}

export interface VoteRequest {
  term: number
  candidateId: string
  lastLogIndex: number
  lastLogTerm: number
}

/** Election restriction: the candidate's log must be at least as up to date as ours. */
export function logIsUpToDate(candidate: { lastLogTerm: number; lastLogIndex: number }, ours: { lastLogTerm: number; lastLogIndex: number }): boolean {
  if (candidate.lastLogTerm !== ours.lastLogTerm) return candidate.lastLogTerm > ours.lastLogTerm
  return candidate.lastLogIndex >= ours.lastLogIndex
}

/**
 * Grant a vote? Called after the voter has adopted a higher term from the
 * request, so a request of a lower term is simply stale. One vote per term.
 */
export function grantVote(voter: VoterState, req: VoteRequest): boolean {
  if (req.term < voter.currentTerm) return false
  if (voter.votedFor !== null && voter.votedFor !== req.candidateId) return false
  return logIsUpToDate(req, voter)
}

/** A fresh election timeout, uniformly in [min, max) ms: splits votes rarely repeat. */
export function electionTimeout(range: { min: number; max: number }, random: () => number = Math.random): number {
  return range.min + Math.floor(random() * (range.max - range.min))
}

/** A majority of a cluster of `size` servers. */
export function quorum(size: number): number {
  return Math.floor(size / 2) + 1
}

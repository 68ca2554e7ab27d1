import Synchronization

/// Live counters behind `CatalogStatistics`, shared by every connection of one catalog.
final class CatalogCounters: Sendable {
  let queries = Atomic<Int>(0)
  let steps = Atomic<Int>(0)
  let virtualMachineSteps = Atomic<Int>(0)
  let writeTransactions = Atomic<Int>(0)
  let walSyncs = Atomic<Int>(0)

  var snapshot: CatalogStatistics {
    CatalogStatistics(
      queries: queries.load(ordering: .relaxed),
      steps: steps.load(ordering: .relaxed),
      virtualMachineSteps: virtualMachineSteps.load(ordering: .relaxed),
      writeTransactions: writeTransactions.load(ordering: .relaxed),
      walSyncs: walSyncs.load(ordering: .relaxed))
  }
}

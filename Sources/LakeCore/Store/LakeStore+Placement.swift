import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// Where `place` put a file.
  struct Placed {
    /// The storage path the file now has.
    var storagePath: String
    /// Set when the rename happened but fsyncing its directory failed: the write must not be
    /// acknowledged as durable, yet the file has replaced whatever was at that path.
    var syncFailure: LakeError?
  }

  /// Renames the temp file into its plain path, or into overflow when the plain path
  /// conflicts with the directory tree, then fsyncs the destination directory. Call holding
  /// the key's lock. Throws `.io` only when no rename happened (the temp file is still in
  /// `tmp/`); an fsync failure after the rename is returned in `Placed.syncFailure`.
  ///
  /// Directories are walked with `O_NOFOLLOW` from the bucket directory, so no key can reach
  /// outside it even if symlinks were planted in the tree.
  func place(tmpName: String, plan: PlacementPlan) throws(LakeError) -> Placed {
    try options.faults.check(
      .rename, bucket: plan.bucket, key: plan.key, operation: "rename", path: plan.preferredPath)
    if let components = plan.components {
      let directory = try pruneLock.withShared { () throws(LakeError) -> Int32? in
        try renameIntoTree(tmpName: tmpName, bucket: plan.bucket, components: components)
      }
      if let directory {
        defer { FileOps.closeDescriptor(directory) }
        return Placed(
          storagePath: plan.preferredPath,
          syncFailure: syncDirectory(directory, plan.preferredPath, of: (plan.bucket, plan.key)))
      }
      logger.debug(
        "key conflicts with the directory tree; storing it in overflow",
        metadata: ["bucket": "\(plan.bucket)"])
    }
    let directory = try pruneLock.withShared { () throws(LakeError) -> Int32 in
      try renameIntoOverflow(tmpName: tmpName, plan: plan)
    }
    defer { FileOps.closeDescriptor(directory) }
    return Placed(
      storagePath: plan.overflowPath,
      syncFailure: syncDirectory(directory, plan.overflowPath, of: (plan.bucket, plan.key)))
  }

  /// Returns the destination directory, or nil on a file/directory conflict.
  private func renameIntoTree(tmpName: String, bucket: String, components: [String])
    throws(LakeError) -> Int32?
  {
    let path = bucket + "/" + components.joined(separator: "/")
    do throws(Errno) {
      let parents = [bucket] + components.dropLast()
      guard
        let directory = try DirectoryWalk.descend(
          from: layout.root, through: parents[...], create: true)
      else { return nil }
      do throws(Errno) {
        try FileOps.rename(layout.tmp, tmpName, directory, components[components.count - 1])
        return directory
      } catch {
        FileOps.closeDescriptor(directory)
        if error.code == EISDIR || error.code == ENOTDIR || error.code == ENOTEMPTY {
          return nil
        }
        throw error
      }
    } catch {
      throw error.lakeError("rename", path)
    }
  }

  private func renameIntoOverflow(tmpName: String, plan: PlacementPlan) throws(LakeError) -> Int32 {
    do throws(Errno) {
      guard
        let directory = try DirectoryWalk.descend(
          from: layout.overflow, through: [plan.bucket], create: true)
      else { throw Errno(code: ENOTDIR) }
      do throws(Errno) {
        try FileOps.rename(layout.tmp, tmpName, directory, plan.overflowName)
      } catch {
        FileOps.closeDescriptor(directory)
        throw error
      }
      return directory
    } catch {
      throw error.lakeError("rename", plan.overflowPath)
    }
  }

  /// Fsyncs a directory; returns the failure instead of throwing it. `key` names the object
  /// whose write or delete this is (for injected faults). Concurrent writes into the same
  /// directory share fsyncs (``DirectorySync``).
  func syncDirectory(_ directory: Int32, _ path: String, of key: (String, String)? = nil)
    -> LakeError?
  {
    do throws(Errno) {
      if let faults = options.faults, let (bucket, key) = key {
        try faults.check(.syncDirectory, bucket: bucket, key: key)
      }
      try directorySync.sync(directory)
      return nil
    } catch {
      return error.lakeError("fsync directory of", path)
    }
  }

  /// Unlinks the file at a storage path (a missing file is fine) and fsyncs its directory.
  /// Throws `.io` only when the file could not be unlinked; a failed fsync after the unlink is
  /// returned instead, since the file is gone either way.
  @discardableResult
  func removeStoredFile(_ storagePath: String) throws(LakeError) -> LakeError? {
    guard let (directory, name) = try openParentIfPresent(storagePath, for: "unlink") else {
      return nil
    }
    defer { FileOps.closeDescriptor(directory) }
    do throws(Errno) {
      try FileOps.unlink(directory, name)
    } catch {
      if error.code == ENOENT { return nil }
      throw error.lakeError("unlink", storagePath)
    }
    return syncDirectory(directory, storagePath)
  }

  /// The open parent directory of a storage path and the file's name in it, or nil when a
  /// directory on the way is missing (so is the file). Throws `.io` naming `operation`.
  private func openParentIfPresent(_ storagePath: String, for operation: String)
    throws(LakeError) -> (Int32, String)?
  {
    do throws(Errno) {
      return try DirectoryWalk.openParent(from: layout.root, of: storagePath)
    } catch {
      if error.code == ENOENT || error.code == ENOTDIR { return nil }
      throw error.lakeError(operation, storagePath)
    }
  }

  /// Removes the now-empty parent directories of a plain storage path `<bucket>/<a>/<b>/…`,
  /// deepest first, up to but not including the bucket directory. Holds the prune lock
  /// exclusively, so no PUT is between opening such a directory and renaming into it.
  func pruneEmptyParents(of storagePath: String) {
    let components = PathComponents.split(storagePath)
    guard components.count > 2, !storagePath.hasPrefix(DataLayout.overflowPrefix) else { return }
    if let faults = options.faults {
      let key = components.dropFirst().joined(separator: "/")
      guard (try? faults.check(.pruneParents, bucket: components[0], key: key)) != nil else {
        return
      }
    }
    pruneLock.withExclusive {
      var directories: [Int32] = []
      defer { directories.forEach(FileOps.closeDescriptor) }
      guard let bucket = try? FileOps.openDirectory(layout.root, components[0]) else { return }
      directories.append(bucket)
      for name in components[1..<(components.count - 2)] {
        guard let next = try? FileOps.openDirectory(directories[directories.count - 1], name)
        else { return }
        directories.append(next)
      }
      // directories[i] is the parent of components[i + 1]; remove from the deepest up. No
      // fsync: an empty directory that reappears after a crash is harmless.
      for index in stride(from: directories.count - 1, through: 0, by: -1) {
        do throws(Errno) {
          try FileOps.unlink(directories[index], components[index + 1], isDirectory: true)
        } catch  where error.code == ENOENT {
          continue
        } catch {
          break  // ENOTEMPTY (or EEXIST): still in use, and so is every ancestor
        }
      }
    }
  }

  /// Moves or links the file at `storagePath` to a new name in `tmp/` (`keep-` or `del-`
  /// and a UUID), so a failed write or delete can put it back. `link` keeps the original in place
  /// (before an overwrite replaces it); otherwise it is renamed away (the unlink of a DELETE)
  /// and its directory fsynced, the fsync failure returned in `Aside.syncFailure`. Returns nil
  /// when there is no file at that path. Throws `.io` when nothing was moved.
  func setAside(_ storagePath: String, link: Bool, bucket: String, key: String) throws(LakeError)
    -> Aside?
  {
    let step: WriteStep = link ? .keepReplaced : .unlink
    let operation = link ? "link (keep replaced)" : "unlink"
    try options.faults.check(
      step, bucket: bucket, key: key, operation: operation, path: storagePath)
    guard let (directory, name) = try openParentIfPresent(storagePath, for: operation) else {
      return nil
    }
    defer { FileOps.closeDescriptor(directory) }
    let asideName = (link ? "keep-" : "del-") + UniqueName.next()
    do throws(Errno) {
      if link {
        try FileOps.link(directory, name, layout.tmp, asideName)
      } else {
        try FileOps.rename(directory, name, layout.tmp, asideName)
      }
    } catch {
      if error.code == ENOENT { return nil }
      throw error.lakeError(operation, storagePath)
    }
    let syncFailure = link ? nil : syncDirectory(directory, storagePath, of: (bucket, key))
    return Aside(name: asideName, storagePath: storagePath, syncFailure: syncFailure)
  }

  /// A file set aside in `tmp/` by ``setAside(_:link:bucket:key:)``.
  struct Aside {
    var name: String
    /// Where the file was.
    var storagePath: String
    var syncFailure: LakeError?
  }

  /// Renames a file set aside back to where it was (replacing whatever is there now) and
  /// fsyncs that directory. Returns the failure instead of throwing: this runs while undoing
  /// a failed change, whose own error is the one to report.
  func restore(_ aside: Aside) -> LakeError? {
    do throws(Errno) {
      let (directory, name) = try DirectoryWalk.openParent(from: layout.root, of: aside.storagePath)
      defer { FileOps.closeDescriptor(directory) }
      try FileOps.rename(layout.tmp, aside.name, directory, name)
      try FileOps.sync(directory)
      return nil
    } catch {
      return error.lakeError("restore", aside.storagePath)
    }
  }

  /// Removes a file set aside once the change it guarded is committed (best effort: recovery
  /// empties `tmp/` at the next start anyway).
  func discard(_ aside: Aside) {
    try? FileOps.unlink(layout.tmp, aside.name)
  }
}

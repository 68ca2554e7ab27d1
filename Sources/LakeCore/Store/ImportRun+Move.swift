#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ImportRun {
  /// Moves the file into place: a hard link at its key's path, registered there durably,
  /// then its old name removed. Every step can be redone: a rerun finds a link it made (the
  /// same inode at the key's path) or a row it committed, and carries on from there. Across
  /// file systems (or where hard links are refused) it copies, then removes the old name.
  func move(_ path: String) throws(LakeError) -> Outcome {
    let key = prefix + path
    if let reason = store.adoptionRefusal(key: key) {
      return .event(.skipped(path: path, reason: reason))
    }
    let source: (directory: Int32, name: String)
    let status: stat
    do throws(Errno) {
      source = try DirectoryWalk.openParent(from: root, of: path)
      do throws(Errno) {
        status = try FileOps.status(source.directory, source.name)
      } catch {
        FileOps.closeDescriptor(source.directory)
        throw error
      }
    } catch {
      return .event(.failed(path: path, reason: "open: \(error.name)"))
    }
    defer { FileOps.closeDescriptor(source.directory) }
    guard FileOps.isRegularFile(status) else {
      return .event(.skipped(path: path, reason: "not a regular file"))
    }
    let target = bucket + "/" + key
    if let row = try store.catalog.object(bucket: bucket, key: key) {
      if row.storagePath == target, store.isSameFile(target, as: status) {
        // An earlier run registered this file and stopped before removing its old name.
        return removeSource(source, path, then: .imported(row))
      }
      guard options.overwrite else { return .event(.exists(path: path, key: key)) }
      return try copyThenRemove(path, source)
    }
    switch store.linkIntoBucket(source.directory, source.name, bucket: bucket, key: key, status)
    {
    case .linked:
      break
    case .conflict:
      return .event(
        .skipped(path: path, reason: "its path conflicts with a file or directory in the bucket"))
    case .occupied:
      return .event(
        .skipped(
          path: path,
          reason: "a file that is not an object is already at \(target) "
            + "(lakestore fsck --adopt registers it)"))
    case .unlinkable:
      return try copyThenRemove(path, source)
    case .failed(let error):
      return .event(.failed(path: path, reason: "link into \(target): \(error.name)"))
    }
    let (result, ticket) = try store.stageAdoption(bucket: bucket, key: key)
    switch result {
    case .adopted(let info):
      // The row must be on disk before the file's only other name goes.
      if let ticket { try store.catalog.awaitDurable(ticket) }
      return removeSource(source, path, then: .imported(info))
    case .exists:
      store.unlinkIfSame(target, as: status)
      return .event(.exists(path: path, key: key))
    case .refused(let reason):
      store.unlinkIfSame(target, as: status)
      return .event(.skipped(path: path, reason: reason))
    }
  }

  /// Copies through the PUT path, then removes the source's name if the copy became the
  /// object.
  private func copyThenRemove(_ path: String, _ source: (directory: Int32, name: String))
    throws(LakeError) -> Outcome
  {
    let outcome = try copy(path)
    switch outcome {
    case .imported, .event(.overflowed):
      return removeSource(source, path, then: outcome)
    default:
      return outcome
    }
  }

  /// Removes the source's name (the object has its bytes now) and returns `outcome`, or a
  /// failure event naming the object when the name cannot be removed.
  private func removeSource(
    _ source: (directory: Int32, name: String), _ path: String, then outcome: Outcome
  ) -> Outcome {
    do throws(Errno) {
      try FileOps.unlink(source.directory, source.name)
    } catch {
      if error.code != ENOENT {
        return .event(
          .failed(
            path: path,
            reason: "imported as \(prefix + path), but the source cannot be removed: \(error.name)"
          ))
      }
    }
    return outcome
  }
}

extension LakeStore {
  /// What ``linkIntoBucket(_:_:bucket:key:_:)`` did.
  enum LinkResult {
    /// The file has a name at the key's path now (possibly from an earlier run).
    case linked
    /// A file or directory on the way, or a directory at the path, is in the way.
    case conflict
    /// Another file is at the path.
    case occupied
    /// The file system cannot link it there (another file system, or links refused).
    case unlinkable
    case failed(Errno)
  }

  /// Gives the file `name` of `directory` (whose `lstat` is `status`) a second name at the
  /// plain path of `key` in `bucket`, creating the directories on the way. Holds the prune
  /// lock shared, as a PUT's rename does.
  func linkIntoBucket(
    _ directory: Int32, _ name: String, bucket: String, key: String, _ status: stat
  ) -> LinkResult {
    guard let components = PathComponents.plainComponents(ofKey: key), let last = components.last
    else { return .conflict }
    return pruneLock.withShared { () -> LinkResult in
      let destination: Int32
      do throws(Errno) {
        guard
          let opened = try DirectoryWalk.descend(
            from: layout.root, through: ([bucket] + components.dropLast())[...], create: true)
        else { return .conflict }
        destination = opened
      } catch {
        return .failed(error)
      }
      defer { FileOps.closeDescriptor(destination) }
      do throws(Errno) {
        try FileOps.link(directory, name, destination, last)
        return .linked
      } catch {
        switch error.code {
        case EEXIST:
          guard let existing = try? FileOps.status(destination, last) else { return .occupied }
          if existing.st_dev == status.st_dev && existing.st_ino == status.st_ino {
            return .linked
          }
          return FileOps.isRegularFile(existing) ? .occupied : .conflict
        case ENOTDIR, EISDIR: return .conflict
        case EXDEV, EPERM, EMLINK, EOPNOTSUPP: return .unlinkable
        default: return .failed(error)
        }
      }
    }
  }

  /// Whether the file at the storage path `path` is the file `status` describes.
  func isSameFile(_ path: String, as status: stat) -> Bool {
    guard let found = try? DirectoryWalk.status(from: layout.root, at: path) else { return false }
    return found.st_dev == status.st_dev && found.st_ino == status.st_ino
  }

  /// Removes the name at the storage path `path` if it is the file `status` describes (a
  /// link a move made and takes back).
  func unlinkIfSame(_ path: String, as status: stat) {
    guard isSameFile(path, as: status) else { return }
    _ = try? removeStoredFile(path)
    pruneEmptyParents(of: path)
  }
}

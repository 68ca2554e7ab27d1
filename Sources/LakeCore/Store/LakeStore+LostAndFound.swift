#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension LakeStore {
  /// Moves an entry to `.lakestore/lost+found/<its relative path>` without replacing anything
  /// there (link, then unlink; a `.1`, `.2`… suffix on collision). Returns the new relative
  /// path. Throws `.io`.
  func moveToLostAndFound(_ file: FsckFile) throws(LakeError) -> String {
    let parents = PathComponents.split(file.path).dropLast()
    let trail = [DataLayout.lostAndFoundName] + parents
    do throws(Errno) {
      guard
        let target = try DirectoryWalk.descend(from: layout.meta, through: trail[...], create: true)
      else { throw Errno(code: ENOTDIR) }
      defer { FileOps.closeDescriptor(target) }
      var candidate = file.name
      var attempt = 0
      while true {
        do throws(Errno) {
          try FileOps.link(file.directory, file.name, target, candidate)
          break
        } catch  where error.code == EEXIST && attempt < 1000 {
          attempt += 1
          candidate = file.name + ".\(attempt)"
        }
      }
      try FileOps.sync(target)
      try FileOps.unlink(file.directory, file.name)
      try FileOps.sync(file.directory)
      return ([DataLayout.metaName] + trail + [candidate]).joined(separator: "/")
    } catch {
      throw error.lakeError("move to lost+found", file.path)
    }
  }
}

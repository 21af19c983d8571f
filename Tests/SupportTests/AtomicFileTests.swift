import Foundation
import Support
import TestSupport
import Testing

@Suite("Atomic files")
struct AtomicFileTests {
    /// Each system error is told as it is: a missing folder, a file on the way, a folder that exists but takes no
    /// files (/proc), permissions, a read-only file system, a full disk, a name too long.
    @Test func whyAFileCannotBeCreatedIsToldAsItIs() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-atomic")
        let file = folder.path("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let missing = folder.path("missing/deeper")
        #expect(AtomicFile.cannotCreate(in: missing, errno: ENOENT) == "the folder '\(missing)' does not exist; create it first")
        #expect(AtomicFile.cannotCreate(in: file + "/sub", errno: ENOTDIR).hasPrefix("'\(file)' is a file, not a folder"))
        #expect(AtomicFile.cannotCreate(in: folder.url.path, errno: ENOENT).contains("does not accept new files"))
        #expect(AtomicFile.cannotCreate(in: folder.url.path, errno: EACCES).contains("is not writable"))
        #expect(AtomicFile.cannotCreate(in: folder.url.path, errno: EROFS).contains("read-only file system"))
        #expect(AtomicFile.cannotCreate(in: folder.url.path, errno: ENOSPC).hasPrefix("no space left in"))
        #expect(AtomicFile.cannotCreate(in: folder.url.path, errno: ENAMETOOLONG).hasPrefix("the name is too long"))
        let long = folder.path(String(repeating: "n", count: 300))
        do throws(AtomicFileError) {
            try AtomicFile.write(Array("x".utf8), to: long)
            Issue.record("a file with a 300-byte name was created")
        } catch {
            #expect(error.path == long && error.reason.hasPrefix("the name is too long"), "\(error.reason)")
        }
        if FileManager.default.fileExists(atPath: "/proc/self") {
            do throws(AtomicFileError) {
                try AtomicFile.write(Array("x".utf8), to: "/proc/x")
                Issue.record("a file was created in /proc")
            } catch {
                #expect(error.reason.hasPrefix("the folder '/proc' does not accept new files"), "\(error.reason)")
            }
        }
    }
}

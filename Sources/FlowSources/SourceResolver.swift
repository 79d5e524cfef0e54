public import FlowCore
import Glibc

/// Turns what the user typed (files, folders, globs, `-`) into an ordered list of files.
///
/// Folders are walked recursively; names are sorted so that a run is repeatable. Hidden files
/// (`.name`) inside folders are skipped. Problems are returned, not thrown, so that one bad path
/// does not stop the others.
public enum SourceResolver {
    public struct Resolution: Sendable {
        public var files: [SourceFile] = []
        public var errors: [FlowLensError] = []
    }

    public static func resolve(_ specs: [String]) -> Resolution {
        var resolution = Resolution()
        var paths: [(String, Bool)] = []
        for spec in specs {
            if spec == "-" {
                paths.append(("", true))
                continue
            }
            if spec.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) && !exists(spec) {
                let matches = glob(spec)
                if matches.isEmpty {
                    resolution.errors.append(FlowLensError(.unreadable, "no files match this pattern", location: spec))
                }
                for match in matches { expand(match, into: &paths, errors: &resolution.errors) }
                continue
            }
            expand(spec, into: &paths, errors: &resolution.errors)
        }
        var seen = Set<String>()
        for (path, isStdin) in paths {
            if !isStdin {
                guard seen.insert(path).inserted else { continue }
            }
            resolution.files.append(
                SourceFile(index: resolution.files.count, path: path, isStandardInput: isStdin))
        }
        return resolution
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func expand(_ path: String, into paths: inout [(String, Bool)], errors: inout [FlowLensError]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            errors.append(
                FlowLensError(.unreadable, "cannot open: \(String(cString: strerror(errno)))", location: path))
            return
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            var found: [String] = []
            walk(path, into: &found)
            if found.isEmpty { errors.append(FlowLensError(.emptySource, "folder holds no files", location: path)) }
            paths.append(contentsOf: found.sorted().map { ($0, false) })
        } else {
            paths.append((path, false))
        }
    }

    private static func walk(_ folder: String, into found: inout [String]) {
        guard let dir = opendir(folder) else { return }
        defer { closedir(dir) }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            let full = prefix + name
            var info = stat()
            guard stat(full, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                walk(full, into: &found)
            } else if info.st_mode & S_IFMT == S_IFREG {
                found.append(full)
            }
        }
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[i] { matches.append(String(cString: path)) }
        }
        return matches.sorted()
    }
}

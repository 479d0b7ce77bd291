import CVectorscan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Vectorscan block-mode database: many expressions compiled into one
/// automaton that a single pass over a buffer matches all at once.
///
/// A database is immutable and may be shared by any number of threads; each
/// thread scans with its own ``Scratch``.
public final class Database: @unchecked Sendable {
    // Sendable: the handle is written once in `init` and only read afterwards; Vectorscan
    // documents a compiled database as safe for concurrent scans with distinct scratch.

    /// One expression and the number its matches are reported with.
    public struct Expression: Sendable, Hashable {
        /// The pattern's bytes (Vectorscan's PCRE subset, no NUL byte).
        public var source: [UInt8]
        public var flags: Flags
        public var id: UInt32

        public init(source: [UInt8], flags: Flags, id: UInt32) {
            self.source = source
            self.flags = flags
            self.id = id
        }
    }

    /// Compile flags, each one a Vectorscan `HS_FLAG_*`.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let caseless = Flags(rawValue: UInt32(HS_FLAG_CASELESS))
        /// `^` and `$` match at newlines inside the buffer too.
        public static let multiline = Flags(rawValue: UInt32(HS_FLAG_MULTILINE))
        /// Compile an approximation that matches at least wherever the expression does
        /// (for constructs Vectorscan cannot match exactly); matches must be confirmed.
        public static let prefilter = Flags(rawValue: UInt32(HS_FLAG_PREFILTER))
    }

    /// Why a database did not compile, and which expression (by position) caused it.
    public struct CompileError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        /// The position in the expression list, or `nil` when the database as a whole failed.
        public var expression: Int?

        public var description: String { message }
    }

    let handle: OpaquePointer
    /// The number of expressions compiled in.
    public let count: Int

    /// Compiles `expressions` into one database.
    public init(_ expressions: [Expression]) throws(CompileError) {
        guard !expressions.isEmpty else { throw CompileError(message: "no expressions", expression: nil) }
        if let index = expressions.firstIndex(where: { $0.source.contains(0) }) {
            throw CompileError(message: "the pattern contains a NUL byte", expression: index)
        }
        guard hs_valid_platform() == HS_SUCCESS else {
            throw CompileError(message: "this CPU lacks the instructions Vectorscan needs", expression: nil)
        }
        let sources: [UnsafeMutablePointer<CChar>] = expressions.map { expression in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: expression.source.count + 1)
            for (offset, byte) in expression.source.enumerated() { buffer[offset] = CChar(bitPattern: byte) }
            buffer[expression.source.count] = 0
            return buffer
        }
        defer { sources.forEach { $0.deallocate() } }
        let flags = expressions.map { $0.flags.rawValue }
        let ids = expressions.map(\.id)
        var database: OpaquePointer?
        var error: UnsafeMutablePointer<hs_compile_error_t>?
        let status = sources.map { UnsafePointer<CChar>?($0) }.withUnsafeBufferPointer { pointers in
            hs_compile_multi(pointers.baseAddress, flags, ids, UInt32(expressions.count), UInt32(HS_MODE_BLOCK), nil, &database, &error)
        }
        guard status == HS_SUCCESS, let database else {
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(status)"
            let position = error.map { Int($0.pointee.expression) }.flatMap { $0 >= 0 ? $0 : nil }
            if let error { hs_free_compile_error(error) }
            throw CompileError(message: message, expression: position)
        }
        handle = database
        count = expressions.count
    }

    /// A database from the bytes ``serialized()`` gave, or an error when they are not one
    /// (corrupt, or from another Vectorscan version or CPU).
    public init(serialized bytes: [UInt8], count: Int) throws(CompileError) {
        var database: OpaquePointer?
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { hs_deserialize_database($0.baseAddress, $0.count, &database) }
        }
        guard status == HS_SUCCESS, let database else {
            throw CompileError(message: "not a Vectorscan database for this version and CPU (error \(status))", expression: nil)
        }
        handle = database
        self.count = count
    }

    deinit {
        hs_free_database(handle)
    }

    /// The database as bytes that ``init(serialized:count:)`` reads back (on the same
    /// Vectorscan version and a compatible CPU), or `nil` when Vectorscan cannot write it.
    public func serialized() -> [UInt8]? {
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(handle, &bytes, &length) == HS_SUCCESS, let bytes else { return nil }
        defer { free(bytes) }
        return UnsafeRawBufferPointer(start: bytes, count: length).map { $0 }
    }

    /// The fewest bytes a match of `expression` can span (0: it can match the empty string),
    /// or `nil` when Vectorscan cannot analyse it.
    public static func minimumWidth(of expression: Expression) -> Int? {
        guard !expression.source.contains(0) else { return nil }
        var info: UnsafeMutablePointer<hs_expr_info_t>?
        var error: UnsafeMutablePointer<hs_compile_error_t>?
        let status = (expression.source.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { source in
            hs_expression_info(source.baseAddress, expression.flags.rawValue, &info, &error)
        }
        if let error { hs_free_compile_error(error) }
        guard status == HS_SUCCESS, let info else { return nil }
        defer { free(info) }
        return Int(info.pointee.min_width)
    }

    /// The compiled database's size in bytes.
    public var size: Int {
        var bytes = 0
        _ = hs_database_size(handle, &bytes)
        return bytes
    }

    /// Vectorscan's version string.
    public static var version: String { String(cString: hs_version()) }

    /// A match callback: the expression's id, the match's start (0 unless requested) and
    /// end offsets, flags, and the context pointer given to ``scan(_:scratch:context:handler:)``.
    /// Return 0 to go on scanning, anything else to stop.
    public typealias MatchHandler = @convention(c) (UInt32, UInt64, UInt64, UInt32, UnsafeMutableRawPointer?) -> Int32

    /// Scans `bytes` once, calling `handler` for every match.
    @inline(__always)
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, scratch: Scratch, context: UnsafeMutableRawPointer?, handler: MatchHandler) {
        guard let base = bytes.baseAddress else {
            var nothing: CChar = 0
            _ = hs_scan(handle, &nothing, 0, 0, scratch.handle, handler, context)
            return
        }
        _ = hs_scan(handle, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), UInt32(bytes.count), 0, scratch.handle, handler, context)
    }
}

/// Per-thread scan space for one database (Vectorscan's `hs_scratch_t`). Not thread-safe.
public final class Scratch {
    let handle: OpaquePointer

    /// Scratch big enough to scan `database`.
    public init(for database: Database) {
        var scratch: OpaquePointer?
        let status = hs_alloc_scratch(database.handle, &scratch)
        guard status == HS_SUCCESS, let scratch else { fatalError("Vectorscan could not allocate scratch space (error \(status))") }
        handle = scratch
    }

    deinit {
        hs_free_scratch(handle)
    }
}

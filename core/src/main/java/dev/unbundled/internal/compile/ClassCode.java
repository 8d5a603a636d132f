package dev.unbundled.internal.compile;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code of a class, hashed from its class file as the class path holds it, for {@link Fingerprint}. Computed
 * once per class ({@link ClassValue}: no class is kept alive by the cache).
 *
 * <p>A class's code is its own class file, the code of its superclasses that are user code, and the class
 * files of the classes its constant pool names that sit beside it (same directory or jar): that way a method
 * reference {@code Order::productId} written in a class covers {@code Order} too, when both come from the
 * same build output.
 *
 * @param digest the SHA-256 of all of that; stable across JVMs for the same class files
 * @param missing why part of the code could not be read, empty if all of it was
 */
record ClassCode(byte[] digest, List<String> missing) {

    /** How the fingerprint treats a class. */
    enum Kind {
        /** The JDK: values by value, collections by content, anything else by class name. */
        JDK,
        /** Libraries whose objects are named, never walked: Jackson, SLF4J, Spring, Scala, Kotlin. */
        NAMED,
        /** Kafka's and Unbundled's own classes: named (their code changes with their version) and walked. */
        WALKED,
        /** Everything else: the user's code, hashed from its class files, and walked. */
        USER
    }

    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");
    private static final List<String> NAMED_PACKAGES = List.of("com.fasterxml.jackson.", "org.slf4j.",
            "org.springframework.", "scala.", "kotlin.");
    private static final String KAFKA = "org.apache.kafka.";
    private static final String UNBUNDLED = "dev.unbundled.";
    /** A class named in a descriptor or signature: {@code (Lcom/acme/Order;)V}. */
    private static final Pattern DESCRIBED = Pattern.compile("L([\\p{L}\\p{N}_$/]+);");
    private static final URL UNBUNDLED_CODE = location(ClassCode.class);

    private static final ClassValue<ClassCode> CODE = new ClassValue<>() {
        @Override
        protected ClassCode computeValue(Class<?> type) {
            return read(type);
        }
    };

    private static final ClassValue<Kind> KIND = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            return classify(type);
        }
    };

    /**
     * @param type a class that is not hidden
     * @return its code, hashed once per class
     */
    static ClassCode of(Class<?> type) {
        return CODE.get(type);
    }

    /**
     * @param type any class; a hidden class (a lambda) counts as the class that defined it
     * @return how the fingerprint treats it
     */
    static Kind kind(Class<?> type) {
        return KIND.get(type);
    }

    private static Kind classify(Class<?> type) {
        Class<?> named = type;
        while (named.isArray()) {
            named = named.getComponentType();
        }
        if (named.isHidden() && named.getNestHost() != named) {
            return kind(named.getNestHost());
        }
        ClassLoader loader = named.getClassLoader();
        String name = named.getName();
        if (named.isPrimitive() || loader == null || loader == ClassLoader.getPlatformClassLoader()
                || JDK_PACKAGES.stream().anyMatch(name::startsWith)) {
            return Kind.JDK;
        } else if (NAMED_PACKAGES.stream().anyMatch(name::startsWith)) {
            return Kind.NAMED;
        } else if (name.startsWith(KAFKA)
                || name.startsWith(UNBUNDLED) && Objects.equals(location(named), UNBUNDLED_CODE)) {
            return Kind.WALKED;
        }
        return Kind.USER;
    }

    /** @return whether a class name is one of the libraries counted by name, as in a jar that bundles them */
    private static boolean isLibraryName(String name) {
        return JDK_PACKAGES.stream().anyMatch(name::startsWith) || NAMED_PACKAGES.stream().anyMatch(name::startsWith)
                || name.startsWith(KAFKA);
    }

    private static URL location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    private static ClassCode read(Class<?> type) {
        Hasher hasher = new Hasher();
        List<String> missing = new ArrayList<>();
        hasher.text(type.getName());
        ClassLoader loader = type.getClassLoader();
        ClassFile own = ClassFile.find(loader, type.getName());
        byte[] bytes = own == null ? null : own.read();
        if (bytes == null) {
            missing.add("class " + type.getName() + ": no class file on the class path (a class defined at run"
                    + " time?)");
        } else {
            hasher.bytes(bytes);
            for (String referenced : referencedClasses(bytes, type.getName())) {
                if (isLibraryName(referenced)) {
                    continue;
                }
                ClassFile beside = ClassFile.find(loader, referenced);
                byte[] besideBytes = beside == null || !beside.base().equals(own.base()) ? null : beside.read();
                if (besideBytes != null) {
                    hasher.text(referenced);
                    hasher.bytes(besideBytes);
                }
            }
        }
        Class<?> superclass = type.getSuperclass();
        if (superclass != null && kind(superclass) == Kind.USER) {
            ClassCode parent = of(superclass);
            hasher.bytes(parent.digest());
            missing.addAll(parent.missing());
        }
        return new ClassCode(hasher.digest(), List.copyOf(missing));
    }

    /** A class file as a class loader finds it, and where: the directory or jar it is in. */
    private record ClassFile(URL url, String base) {
        static ClassFile find(ClassLoader loader, String className) {
            String resource = className.replace('.', '/') + ".class";
            URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
            if (url == null) {
                return null;
            }
            String at = url.toString();
            return new ClassFile(url, at.substring(0, at.length() - resource.length()));
        }

        /** @return the class file's bytes, or null if it cannot be read */
        byte[] read() {
            try (InputStream in = url.openStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                return null;
            }
        }
    }

    /**
     * @return the binary names of the classes a class file's constant pool names, as classes or in the
     *     descriptors and signatures of its fields and methods, sorted, without itself, arrays reduced to their
     *     element class; empty if the file cannot be parsed
     */
    static TreeSet<String> referencedClasses(byte[] classFile, String self) {
        TreeSet<String> names = new TreeSet<>();
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
            if (in.readInt() != 0xCAFEBABE) {
                return names;
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classIndexes = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                if (tag == 1) {
                    utf8[i] = in.readUTF();
                } else if (tag == 7) {
                    classIndexes.add(in.readUnsignedShort());
                } else {
                    i += skip(in, tag);
                }
            }
            for (int index : classIndexes) {
                String name = elementClass(utf8[index]);
                if (name != null) {
                    names.add(name);
                }
            }
            for (String text : utf8) {
                Matcher descriptor = text == null || text.indexOf(';') < 0 ? null : DESCRIBED.matcher(text);
                while (descriptor != null && descriptor.find()) {
                    names.add(descriptor.group(1).replace('/', '.'));
                }
            }
            names.remove(self);
        } catch (IOException | RuntimeException unparsable) {
            names.clear();
        }
        return names;
    }

    /** Skips a constant pool entry other than Utf8 and Class; returns the extra slots it takes (1 for long and double). */
    private static int skip(DataInputStream in, int tag) throws IOException {
        int bytes = switch (tag) {
            case 3, 4, 9, 10, 11, 12, 17, 18 -> 4;
            case 5, 6 -> 8;
            case 8, 16, 19, 20 -> 2;
            case 15 -> 3;
            default -> throw new IOException("unknown constant pool tag " + tag);
        };
        in.skipNBytes(bytes);
        return tag == 5 || tag == 6 ? 1 : 0;
    }

    private static String elementClass(String internalName) {
        if (internalName == null) {
            return null;
        }
        String name = internalName;
        while (name.startsWith("[")) {
            name = name.substring(1);
        }
        if (name.startsWith("L") && name.endsWith(";")) {
            name = name.substring(1, name.length() - 1);
        } else if (internalName.startsWith("[")) {
            return null;
        }
        return name.replace('/', '.');
    }
}

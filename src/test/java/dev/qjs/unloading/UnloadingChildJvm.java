package dev.qjs.unloading;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;

/**
 * The other JVM of {@code ApplicationUnloadingTest}: loads {@link ApplicationCode} with a class
 * loader of its own, runs it with that loader as the thread's context class loader, forgets the
 * loader and prints whether the JVM could collect it ("COLLECTED") or something of ours still
 * holds it ("PINNED").
 */
public final class UnloadingChildJvm {
  private UnloadingChildJvm() {}

  /** A deployment's loader: defines ApplicationCode itself; the rest comes from the parent. */
  private static final class DeploymentLoader extends ClassLoader {
    DeploymentLoader(ClassLoader parent) {
      super("deployment", parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(ApplicationCode.class.getName())) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            byte[] b = in.readAllBytes();
            c = defineClass(name, b, 0, b.length);
          } catch (java.io.IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        return c;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    WeakReference<ClassLoader> loader = runInDeployment();
    for (int i = 0; i < 100 && loader.get() != null; i++) {
      System.gc();
      Thread.sleep(50);
    }
    System.out.println(loader.get() == null ? "COLLECTED" : "PINNED");
    if (loader.get() != null) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        System.out.println("thread " + t.getName() + " loader " + t.getContextClassLoader());
      }
    }
  }

  private static WeakReference<ClassLoader> runInDeployment() throws Exception {
    ClassLoader deployment = new DeploymentLoader(UnloadingChildJvm.class.getClassLoader());
    Class<?> app = deployment.loadClass(ApplicationCode.class.getName());
    if (app.getClassLoader() != deployment) {
      throw new AssertionError("ApplicationCode was not loaded by the deployment's loader");
    }
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(deployment);
    try {
      Method run = app.getMethod("run");
      System.out.println("ran: " + run.invoke(null));
    } finally {
      thread.setContextClassLoader(before);
    }
    return new WeakReference<>(deployment);
  }
}

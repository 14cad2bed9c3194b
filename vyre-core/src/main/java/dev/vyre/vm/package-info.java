/**
 * The VIR0 bytecode VM (docs/VM-BYTECODE.md): lowering of validated VIR0 programs to VYVM images, the image codec
 * and verifier, and the Java interpreter with the execution model the device interpreter follows.
 */
package dev.vyre.vm;
